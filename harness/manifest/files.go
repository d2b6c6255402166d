package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Load reads every path: a file, a directory (recursively, *.yaml, *.yml,
// *.json, sorted) or "-" for stdin. The first unreadable or unparseable
// input stops the load with an *Error. Documents are parsed on every core;
// the result is in input order whatever the scheduling.
func Load(paths []string, stdin io.Reader) (*Result, error) {
	return LoadWithOptions(paths, stdin, Options{})
}

// LoadWithOptions is Load with options.
func LoadWithOptions(paths []string, stdin io.Reader, opts Options) (*Result, error) {
	var sources []source
	var readErr error
read:
	for _, p := range paths {
		if p == "-" {
			data, err := io.ReadAll(io.LimitReader(stdin, MaxFileSize+1))
			if err != nil {
				readErr = &Error{File: "<stdin>", Err: fmt.Errorf("read: %w", err)}
				break
			}
			sources = append(sources, source{file: "<stdin>", data: data})
			continue
		}
		files, walked, err := expand(p, opts.Exclude)
		if err != nil {
			readErr = err
			break
		}
		for _, f := range files {
			data, err := readFile(f, walked)
			if err != nil {
				readErr = err
				break read
			}
			sources = append(sources, source{file: f, data: data})
		}
	}
	res, err := parse(sources, opts)
	if err != nil {
		return nil, err
	}
	if opts.Defer != nil {
		compactDeferred(res.Objects)
	}
	if readErr != nil {
		return nil, readErr
	}
	return res, nil
}

// LoadContents parses files that are already read, in the order named
// (a repair is checked again before it is written, from memory).
func LoadContents(names []string, contents map[string][]byte, opts Options) (*Result, error) {
	sources := make([]source, 0, len(names))
	for _, name := range names {
		sources = append(sources, source{file: name, data: contents[name]})
	}
	res, err := parse(sources, opts)
	if err != nil {
		return nil, err
	}
	if opts.Defer != nil {
		compactDeferred(res.Objects)
	}
	return res, nil
}

// readFile reads a file named on the command line (named: a pipe is read,
// as process substitution hands one over) or found by a directory walk
// (walked: only regular files). The type is checked on the open file, not
// on the name: a file swapped for a named pipe after the walk is refused,
// not waited on, and the read stops at the size limit whatever the file
// claimed when it was listed.
func readFile(path string, walked bool) ([]byte, error) {
	flags := os.O_RDONLY
	if walked {
		flags |= openNonBlocking
	}
	f, err := os.OpenFile(path, flags, 0)
	if err != nil {
		return nil, &Error{File: path, Err: unwrapPathError(err)}
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, &Error{File: path, Err: unwrapPathError(err)}
	}
	mode := info.Mode()
	switch {
	case mode.IsRegular():
		if info.Size() > MaxFileSize {
			return nil, &Error{File: path, Err: fmt.Errorf("file is %d bytes, larger than the %d byte limit", info.Size(), MaxFileSize)}
		}
	case mode&fs.ModeNamedPipe != 0 && !walked:
	case walked:
		return nil, &Error{File: path, Err: fmt.Errorf("not a regular file (%s); in a directory refguard reads regular files only", fileKind(mode))}
	default:
		return nil, &Error{File: path, Err: fmt.Errorf("not a regular file or a pipe (%s)", fileKind(mode))}
	}
	// Sized from the file so a large one is read into one buffer, not
	// grown by copies to twice its size; a pipe grows as it must.
	buf := bytes.NewBuffer(make([]byte, 0, min(info.Size(), MaxFileSize)+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(f, MaxFileSize+1)); err != nil {
		return nil, &Error{File: path, Err: unwrapPathError(err)}
	}
	data := buf.Bytes()
	if len(data) > MaxFileSize {
		return nil, &Error{File: path, Err: fmt.Errorf("input larger than the %d byte limit", MaxFileSize)}
	}
	return data, nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, fs.ErrNotExist) {
			return errors.New("no such file or directory")
		}
		return pe.Err
	}
	return err
}

func isManifestFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// expand lists the files a PATH names: itself, or the manifest files of
// the directory it names (walked).
func expand(path string, exclude *Excluder) (files []string, walked bool, err error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, false, &Error{File: path, Err: unwrapPathError(err)}
	}
	if !info.IsDir() {
		if exclude.Matches("", path, false) {
			return nil, false, nil
		}
		return []string{path}, false, nil
	}
	// A directory named through a symbolic link is walked: WalkDir does
	// not follow a link at its root, so the root is given with a trailing
	// separator, which the operating system resolves. Links inside the
	// tree are not followed (a link back up would never end).
	root := path
	if l, err := os.Lstat(path); err == nil && l.Mode()&fs.ModeSymlink != 0 {
		root = path + string(filepath.Separator)
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return &Error{File: p, Err: unwrapPathError(err)}
		}
		if p != root && exclude.Matches(path, p, d.IsDir()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !isManifestFile(p) {
			return nil
		}
		if !d.Type().IsRegular() {
			// A symlink is read when it leads to a regular file. Anything
			// else is refused: reading a named pipe would wait for a
			// writer forever. (Named on the command line, a pipe is read:
			// that is how process substitution hands refguard its input.)
			info, err := os.Stat(p)
			if err != nil {
				return &Error{File: p, Err: unwrapPathError(err)}
			}
			if !info.Mode().IsRegular() {
				return &Error{File: p, Err: fmt.Errorf("not a regular file (%s); in a directory refguard reads regular files only", fileKind(info.Mode()))}
			}
		}
		files = append(files, p)
		return nil
	})
	if err != nil {
		return nil, true, err
	}
	sort.Strings(files)
	return files, true, nil
}

// fileKind names what a non-regular file is, for an error message.
func fileKind(mode fs.FileMode) string {
	switch {
	case mode.IsDir():
		return "a directory"
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode&fs.ModeDevice != 0, mode&fs.ModeCharDevice != 0:
		return "a device"
	default:
		return "file type " + mode.Type().String()
	}
}

// LoadFS reads every manifest file of a file system (sorted), naming each
// file prefix + its path.
func LoadFS(fsys fs.FS, prefix string) (*Result, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && isManifestFile(p) {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", prefix, err)
	}
	sort.Strings(names)
	var sources []source
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, &Error{File: prefix + name, Err: err}
		}
		sources = append(sources, source{file: prefix + name, data: data})
	}
	return parse(sources, Options{})
}
