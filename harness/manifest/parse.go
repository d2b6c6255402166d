package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unicode/utf8"
)

// source is one input's bytes.
type source struct {
	file string
	data []byte
}

// chunk is a run of whole documents of a source: data[start:end], whose
// first line is line of the file; single when it holds at most one
// document.
type chunk struct {
	start, end, line int
	single           bool
}

// chunkResult is what one chunk produced.
type chunkResult struct {
	objects []Object
	notes   []Note
	err     error
	terms   *termTable // shared terms of the values built so far
}

// minGroup keeps small inputs on one goroutine: below it, spreading the
// work costs more than it saves.
const minGroup = 64 << 10

// parse checks and parses every source. Each source is split at document
// boundaries into chunks that are parsed concurrently; results are merged
// in source and chunk order, and the first failure in that order wins, so
// the outcome is the one a sequential parse gives.
func parse(sources []source, opts Options) (*Result, error) {
	type job struct {
		src    int
		chunks []chunk
	}
	res := &Result{}
	prelude := make([]error, len(sources)) // a source that cannot be parsed at all
	notes := make([][]Note, len(sources))
	var jobs []job
	var nodes budget
	workers := runtime.GOMAXPROCS(0)
	kustomize := readKustomizations(sources)
	for i, src := range sources {
		sources[i].data = dropDocumentBOMs(src.data)
		src = sources[i]
		res.Files = append(res.Files, src.file)
		if note, ok := kustomize.skip(src.file); ok {
			if note != (Note{}) {
				notes[i] = append(notes[i], note)
			}
			continue
		}
		switch {
		case len(src.data) > MaxFileSize:
			prelude[i] = &Error{File: src.file, Err: fmt.Errorf("input larger than the %d byte limit", MaxFileSize)}
		case bytes.IndexByte(src.data, 0) >= 0 || !utf8.Valid(src.data):
			prelude[i] = &Error{File: src.file, Line: firstBadLine(src.data), Err: errors.New("not a text file (binary data or invalid UTF-8)")}
		case len(bytes.TrimSpace(src.data)) == 0:
			notes[i] = []Note{{File: src.file, Line: 1, Message: "empty file, nothing to check"}}
		default:
			chunks := splitDocuments(src.data)
			for _, c := range chunks {
				if err := nodes.admit(src.file, src.data, c); err != nil {
					prelude[i] = err
					break
				}
			}
			if prelude[i] != nil {
				continue
			}
			// After admission: telling a template from a string that holds
			// an action may parse the file, which the budget bounds.
			if line := templateLine(src.data); line > 0 {
				prelude[i] = &Error{File: src.file, Line: line, Err: errors.New("this is a Helm or Go template ({{ … }}), not a manifest: render it first (helm template RELEASE CHART -n NAMESPACE | refguard check -n NAMESPACE -), or leave it out with --exclude")}
				continue
			}
			for _, group := range groupChunks(chunks, workers*4) {
				jobs = append(jobs, job{src: i, chunks: group})
			}
		}
	}
	results := make([]chunkResult, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(workers, len(jobs)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				src := sources[jobs[j].src]
				r := &results[j]
				for _, run := range singleRuns(jobs[j].chunks) {
					objects, notes, err := parseRun(src.file, src.data, run, &opts)
					if err != nil {
						r.err = err
						break
					}
					if opts.Fields != nil {
						for k := range objects {
							objects[k].keepFields(opts.Fields(objects[k].APIVersion, objects[k].Kind))
						}
					}
					r.objects = append(r.objects, objects...)
					r.notes = append(r.notes, notes...)
				}
			}
		}()
	}
	for j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	j := 0
	for i := range sources {
		if prelude[i] != nil {
			return nil, prelude[i]
		}
		res.Notes = append(res.Notes, notes[i]...)
		for ; j < len(jobs) && jobs[j].src == i; j++ {
			if results[j].err != nil {
				return nil, results[j].err
			}
			res.Objects = append(res.Objects, results[j].objects...)
			res.Notes = append(res.Notes, results[j].notes...)
		}
	}
	return res, nil
}

// splitDocuments cuts data at document markers ("---" at the start of a
// line) into chunks of one document each. A marker at the start of a line
// ends any scalar in YAML, so no document is cut in two. Inputs with
// directives ("%YAML") stay one chunk; a chunk with a document end marker
// ("...", after which a bare document may follow) is not single.
func splitDocuments(data []byte) []chunk {
	whole := []chunk{{start: 0, end: len(data), line: 1}}
	var chunks []chunk
	start, startLine, line, single := 0, 1, 1, true
	for pos := 0; pos < len(data); {
		end := bytes.IndexByte(data[pos:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += pos + 1
		}
		text := data[pos:end]
		if len(text) > 0 && text[0] == '%' {
			return whole
		}
		if pos > start && isMarker(text, "---") {
			chunks = append(chunks, chunk{start: start, end: pos, line: startLine, single: single})
			start, startLine, single = pos, line, true
		}
		if isMarker(text, "...") {
			single = false
		}
		line++
		pos = end
	}
	return append(chunks, chunk{start: start, end: len(data), line: startLine, single: single})
}

// singleRuns splits chunks into runs of consecutive single-document
// chunks and the other chunks, each alone.
func singleRuns(chunks []chunk) [][]chunk {
	var runs [][]chunk
	for i := 0; i < len(chunks); {
		j := i + 1
		if chunks[i].single {
			for j < len(chunks) && chunks[j].single && chunks[j].start == chunks[j-1].end {
				j++
			}
		}
		runs = append(runs, chunks[i:j])
		i = j
	}
	return runs
}

// groupChunks gathers consecutive chunks into at most parts groups of
// similar size, the units parsed concurrently.
func groupChunks(chunks []chunk, parts int) [][]chunk {
	total := 0
	for _, c := range chunks {
		total += c.end - c.start
	}
	target := max(total/max(parts, 1)+1, minGroup)
	var groups [][]chunk
	var cur []chunk
	size := 0
	for _, c := range chunks {
		cur = append(cur, c)
		size += c.end - c.start
		if size >= target {
			groups = append(groups, cur)
			cur, size = nil, 0
		}
	}
	if len(cur) > 0 {
		groups = append(groups, cur)
	}
	return groups
}

// isMarker: line starts with a document marker ("---" or "...") followed
// by a blank or the end of the line.
func isMarker(line []byte, marker string) bool {
	if !bytes.HasPrefix(line, []byte(marker)) {
		return false
	}
	if len(line) == 3 {
		return true
	}
	switch line[3] {
	case ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

// dropDocumentBOMs removes a byte-order mark that starts a document after
// a "---" line. YAML decoders honour one only at the start of a stream; in
// a later document it became part of the first key ("\ufeffapiVersion"),
// and the document was skipped as no Kubernetes object. Files joined with
// cat from editors that write BOMs have them. Lines stay where they were.
func dropDocumentBOMs(data []byte) []byte {
	const bom = "\xef\xbb\xbf"
	if !bytes.Contains(data, []byte("---\n"+bom)) && !bytes.Contains(data, []byte("---\r\n"+bom)) {
		return data
	}
	out := bytes.ReplaceAll(data, []byte("---\n"+bom), []byte("---\n"))
	return bytes.ReplaceAll(out, []byte("---\r\n"+bom), []byte("---\r\n"))
}
