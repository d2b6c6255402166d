package fix

import (
	"fmt"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// unifiedDiff renders the change from old to new as a unified diff that
// git apply and patch -p1 accept: lines are the file's own (a final line
// without a newline is marked "\ No newline at end of file"), and nothing
// is invented past the end of the file.
func unifiedDiff(from, to, old, new string) string {
	a, b := splitLines(old), splitLines(new)
	groups := difflib.NewMatcher(a, b).GetGroupedOpCodes(3)
	if len(groups) == 0 {
		return ""
	}
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", from, to)
	for _, group := range groups {
		first, last := group[0], group[len(group)-1]
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(first.I1, last.I2), hunkRange(first.J1, last.J2))
		for _, op := range group {
			switch op.Tag {
			case 'e':
				writeLines(&out, ' ', a[op.I1:op.I2])
			case 'r', 'd', 'i':
				writeLines(&out, '-', a[op.I1:op.I2])
				writeLines(&out, '+', b[op.J1:op.J2])
			}
		}
	}
	return out.String()
}

// splitLines keeps each line's own ending; a final line without one stays
// without it, and an empty file has no lines.
func splitLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func writeLines(out *strings.Builder, prefix byte, lines []string) {
	for _, line := range lines {
		out.WriteByte(prefix)
		out.WriteString(line)
		if !strings.HasSuffix(line, "\n") {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange is a hunk's "start,count" as GNU diff writes it: the count is
// left out when it is 1, and an empty range starts at the line before it.
func hunkRange(start, stop int) string {
	count := stop - start
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, count)
}
