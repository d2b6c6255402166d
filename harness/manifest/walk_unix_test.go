//go:build unix

package manifest

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const walkService = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: app\nspec:\n  ports:\n    - port: 80\n"

// loadWithin fails the test instead of hanging it when Load blocks.
func loadWithin(t *testing.T, paths ...string) (*Result, error) {
	t.Helper()
	type outcome struct {
		res *Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := Load(paths, nil)
		done <- outcome{res, err}
	}()
	select {
	case o := <-done:
		return o.res, o.err
	case <-time.After(20 * time.Second):
		t.Fatalf("Load(%v) did not return", paths)
		return nil, nil
	}
}

// TestDirectoryReadsRegularFilesOnly: in a directory, a named pipe with a
// manifest's name is refused with an error naming it (reading it would
// wait for a writer forever), as is a symlink to a directory; a symlink to
// a regular file is read.
func TestDirectoryReadsRegularFilesOnly(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real", "service.yaml")
	require.NoError(t, os.MkdirAll(filepath.Dir(real), 0o755))
	require.NoError(t, os.WriteFile(real, []byte(walkService), 0o644))

	linked := filepath.Join(dir, "linked")
	require.NoError(t, os.MkdirAll(linked, 0o755))
	require.NoError(t, os.Symlink(real, filepath.Join(linked, "service.yaml")))
	res, err := loadWithin(t, linked)
	require.NoError(t, err)
	require.Len(t, res.Objects, 1, "a symlink to a regular file is read")

	withPipe := filepath.Join(dir, "pipe")
	require.NoError(t, os.MkdirAll(withPipe, 0o755))
	require.NoError(t, syscall.Mkfifo(filepath.Join(withPipe, "routes.yaml"), 0o644))
	_, err = loadWithin(t, withPipe)
	var loadErr *Error
	require.ErrorAs(t, err, &loadErr)
	require.Equal(t, filepath.Join(withPipe, "routes.yaml"), loadErr.File)
	require.Contains(t, err.Error(), "not a regular file (a named pipe)")

	withDirLink := filepath.Join(dir, "dirlink")
	require.NoError(t, os.MkdirAll(withDirLink, 0o755))
	require.NoError(t, os.Symlink(filepath.Dir(real), filepath.Join(withDirLink, "more.yaml")))
	_, err = loadWithin(t, withDirLink)
	require.ErrorAs(t, err, &loadErr)
	require.Contains(t, err.Error(), "not a regular file (a directory)")
}

// TestNamedPipeOnTheCommandLineIsRead: a pipe named explicitly is read to
// its end, as process substitution (`refguard check <(kubectl …)`) needs.
func TestNamedPipeOnTheCommandLineIsRead(t *testing.T) {
	pipe := filepath.Join(t.TempDir(), "in.yaml")
	require.NoError(t, syscall.Mkfifo(pipe, 0o644))
	go func() {
		f, err := os.OpenFile(pipe, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer f.Close()
		_, _ = f.WriteString(walkService)
	}()
	res, err := loadWithin(t, pipe)
	require.NoError(t, err)
	require.Len(t, res.Objects, 1)
}

// TestFileSwappedForAPipeAfterTheWalkIsRefused: the walk saw a regular
// file; by the time it is opened it is a named pipe with no writer. The
// type is checked on the open file, so the load fails at once instead of
// waiting forever.
func TestFileSwappedForAPipeAfterTheWalkIsRefused(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "routes.yaml")
	require.NoError(t, os.WriteFile(p, []byte(walkService), 0o644))
	files, walked, err := expand(dir, nil)
	require.NoError(t, err)
	require.True(t, walked)
	require.Equal(t, []string{p}, files)
	require.NoError(t, os.Remove(p))
	require.NoError(t, syscall.Mkfifo(p, 0o644))

	done := make(chan error, 1)
	go func() { _, err := readFile(p, walked); done <- err }()
	select {
	case err := <-done:
		var loadErr *Error
		require.ErrorAs(t, err, &loadErr)
		require.Equal(t, p, loadErr.File)
		require.Contains(t, err.Error(), "not a regular file (a named pipe)")
	case <-time.After(10 * time.Second):
		t.Fatal("reading a pipe found by the walk waited for a writer")
	}
}

// TestDeviceNamedOnTheCommandLineIsRefused: /dev/zero never ends; it is
// neither a file nor a pipe, so it is refused before a byte is read.
func TestDeviceNamedOnTheCommandLineIsRefused(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, err := loadWithin(t, "/dev/zero")
	var loadErr *Error
	require.ErrorAs(t, err, &loadErr)
	require.Equal(t, "/dev/zero", loadErr.File)
	require.Contains(t, err.Error(), "not a regular file or a pipe (a device)")
}
