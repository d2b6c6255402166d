package manifest

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// Excluder holds --exclude patterns. A pattern without a slash matches the
// name of a file or directory anywhere ("templates", "*.tpl.yaml"); one
// with a slash matches the path below the directory being walked, or the
// path as given ("charts/*/templates", "envs/**/secrets.yaml"). "*" and "?" stay within a name, "**" spans
// directories; a trailing slash matches directories only. A matched
// directory is not entered.
type Excluder struct {
	patterns []pattern
}

type pattern struct {
	re      *regexp.Regexp
	path    bool // matched against the whole path, not the name
	dirOnly bool
}

// NewExcluder compiles patterns; an unusable one is an error naming it.
func NewExcluder(patterns []string) (*Excluder, error) {
	e := &Excluder{}
	for _, p := range patterns {
		if p == "" {
			return nil, fmt.Errorf("--exclude: empty pattern")
		}
		if _, err := filepath.Match(strings.ReplaceAll(p, "**", "*"), ""); err != nil {
			return nil, fmt.Errorf("--exclude %q: %w", p, err)
		}
		body := strings.TrimSuffix(strings.TrimPrefix(p, "./"), "/")
		e.patterns = append(e.patterns, pattern{
			re:      regexp.MustCompile("^" + globRegexp(body) + "$"),
			path:    strings.Contains(body, "/"),
			dirOnly: strings.HasSuffix(p, "/"),
		})
	}
	return e, nil
}

// Matches reports whether a path (a directory when dir) found below root
// ("" for a path named on the command line) is excluded. A nil Excluder
// excludes nothing.
func (e *Excluder) Matches(root, path string, dir bool) bool {
	if e == nil {
		return false
	}
	slash := filepath.ToSlash(filepath.Clean(path))
	name := slash[strings.LastIndexByte(slash, '/')+1:]
	rel := slash
	if root != "" {
		if r, err := filepath.Rel(root, path); err == nil {
			rel = filepath.ToSlash(r)
		}
	}
	for _, p := range e.patterns {
		if p.dirOnly && !dir {
			continue
		}
		if p.path && (p.re.MatchString(rel) || p.re.MatchString(slash)) || !p.path && p.re.MatchString(name) {
			return true
		}
	}
	return false
}

// globRegexp turns a glob into a regular expression body.
func globRegexp(glob string) string {
	var b strings.Builder
	for i := 0; i < len(glob); i++ {
		switch c := glob[i]; c {
		case '*':
			if i+1 < len(glob) && glob[i+1] == '*' {
				i++
				if i+1 < len(glob) && glob[i+1] == '/' {
					i++
					b.WriteString("(?:.*/)?") // **/ : any directories, or none
				} else {
					b.WriteString(".*")
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		case '[':
			j := strings.IndexByte(glob[i:], ']')
			if j < 0 {
				b.WriteString(regexp.QuoteMeta(glob[i:]))
				i = len(glob)
				continue
			}
			class := glob[i+1 : i+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + class + "]")
			i += j
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}
