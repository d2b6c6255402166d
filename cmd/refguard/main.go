// Command refguard checks Gateway API route backendRefs before they reach a
// cluster: it predicts the ResolvedRefs status a controller will write and
// explains every failing reference.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/report"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the CLI and returns the exit code: 0 clean, 1 findings at or
// above --fail-on (or failing fixture cases), 2 the run itself failed.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	stderr = cleanWriter{stderr} // messages quote names and paths from the input
	cmd := newRootCommand(stdin, stdout, stderr)
	cmd.SetArgs(args)
	err := cmd.Execute()
	if err == nil {
		return 0
	}
	var fail *failedError
	if errors.As(err, &fail) {
		return 1
	}
	var loadErr *manifest.Error
	if errors.As(err, &loadErr) {
		fmt.Fprintf(stderr, "refguard: %v\n", loadErr)
		return 2
	}
	fmt.Fprintf(stderr, "refguard: %v\n", err)
	return 2
}

// cleanWriter escapes control characters (but newlines) on their way to a
// terminal: a manifest's names must not be able to move the cursor, clear
// the screen or print "all checks passed" over the real result.
type cleanWriter struct{ w io.Writer }

func (c cleanWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(c.w, report.Clean(string(p), true)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// failedError means the run worked and found what --fail-on asks to fail on.
type failedError struct{ reason string }

func (e *failedError) Error() string { return e.reason }
