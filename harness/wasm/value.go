package wasm

import (
	"bytes"
	"encoding/json"

	"github.com/open-policy-agent/opa/v1/ast"
)

// parseJSON reads a value the module dumped in Rego syntax when the text
// is JSON — what nearly every builtin argument is — into an OPA term, as
// encoding/json with UseNumber and ast.InterfaceToValue would (numbers keep
// their text). It is a small recursive parser, not a decoder per call: a
// check makes tens of thousands of sprintf calls. False for anything else
// (sets, non-string keys), which OPA's parser then reads.
func parseJSON(text []byte) (*ast.Term, bool) {
	p := jsonParser{text: text}
	t, ok := p.value(0)
	p.space()
	return t, ok && p.at == len(text)
}

type jsonParser struct {
	text []byte
	at   int
}

// maxDepth bounds nesting (OPA's own values are bounded; this is a guard).
const maxDepth = 1000

func (p *jsonParser) space() {
	for p.at < len(p.text) && (p.text[p.at] == ' ' || p.text[p.at] == '\t' || p.text[p.at] == '\n' || p.text[p.at] == '\r') {
		p.at++
	}
}

func (p *jsonParser) literal(word string, t *ast.Term) (*ast.Term, bool) {
	if !bytes.HasPrefix(p.text[p.at:], []byte(word)) {
		return nil, false
	}
	p.at += len(word)
	return t, true
}

func (p *jsonParser) value(depth int) (*ast.Term, bool) {
	p.space()
	if p.at >= len(p.text) || depth > maxDepth {
		return nil, false
	}
	switch c := p.text[p.at]; {
	case c == '"':
		s, ok := p.str()
		return ast.StringTerm(s), ok
	case c == '[':
		p.at++
		var elems []*ast.Term
		p.space()
		if p.at < len(p.text) && p.text[p.at] == ']' {
			p.at++
			return ast.ArrayTerm(), true
		}
		for {
			t, ok := p.value(depth + 1)
			if !ok {
				return nil, false
			}
			elems = append(elems, t)
			p.space()
			if p.at >= len(p.text) {
				return nil, false
			}
			if p.text[p.at] == ']' {
				p.at++
				return ast.ArrayTerm(elems...), true
			}
			if p.text[p.at] != ',' {
				return nil, false
			}
			p.at++
		}
	case c == '{':
		p.at++
		obj := ast.NewObject()
		p.space()
		if p.at < len(p.text) && p.text[p.at] == '}' {
			p.at++
			return ast.NewTerm(obj), true
		}
		for {
			p.space()
			if p.at >= len(p.text) || p.text[p.at] != '"' {
				return nil, false // a set, or a key that is not a string
			}
			k, ok := p.str()
			if !ok {
				return nil, false
			}
			p.space()
			if p.at >= len(p.text) || p.text[p.at] != ':' {
				return nil, false
			}
			p.at++
			v, ok := p.value(depth + 1)
			if !ok {
				return nil, false
			}
			obj.Insert(ast.StringTerm(k), v) // a repeated key: the last wins, as in encoding/json
			p.space()
			if p.at >= len(p.text) {
				return nil, false
			}
			if p.text[p.at] == '}' {
				p.at++
				return ast.NewTerm(obj), true
			}
			if p.text[p.at] != ',' {
				return nil, false
			}
			p.at++
		}
	case c == 't':
		return p.literal("true", ast.BooleanTerm(true))
	case c == 'f':
		return p.literal("false", ast.BooleanTerm(false))
	case c == 'n':
		return p.literal("null", ast.NullTerm())
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.at
		if !p.number() {
			return nil, false
		}
		num := json.Number(p.text[start:p.at])
		if len(num) > 15 || bytes.ContainsAny([]byte(num), "eE") {
			// Huge numbers: OPA's own conversion decides what it takes.
			v, err := ast.InterfaceToValue(num)
			if err != nil {
				return nil, false
			}
			return ast.NewTerm(v), true
		}
		return ast.NumberTerm(num), true
	}
	return nil, false
}

// str reads a string at p.at: as is when it has no escapes and is valid
// UTF-8, else through encoding/json.
func (p *jsonParser) str() (string, bool) {
	start := p.at
	p.at++
	plain := true
	for p.at < len(p.text) {
		switch c := p.text[p.at]; {
		case c == '"':
			p.at++
			raw := p.text[start:p.at]
			if plain {
				return string(raw[1 : len(raw)-1]), true
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return "", false
			}
			return s, true
		case c == '\\':
			plain = false
			p.at += 2
		case c < 0x20:
			return "", false
		default:
			if c >= 0x80 {
				plain = false // let encoding/json check the UTF-8
			}
			p.at++
		}
	}
	return "", false
}

// number reads JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *jsonParser) number() bool {
	digits := func() int {
		n := 0
		for p.at < len(p.text) && p.text[p.at] >= '0' && p.text[p.at] <= '9' {
			p.at++
			n++
		}
		return n
	}
	if p.text[p.at] == '-' {
		p.at++
	}
	if p.at < len(p.text) && p.text[p.at] == '0' {
		p.at++
	} else if digits() == 0 {
		return false
	}
	if p.at < len(p.text) && p.text[p.at] == '.' {
		p.at++
		if digits() == 0 {
			return false
		}
	}
	if p.at < len(p.text) && (p.text[p.at] == 'e' || p.text[p.at] == 'E') {
		p.at++
		if p.at < len(p.text) && (p.text[p.at] == '+' || p.text[p.at] == '-') {
			p.at++
		}
		if digits() == 0 {
			return false
		}
	}
	return true
}
