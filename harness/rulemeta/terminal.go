package rulemeta

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

var (
	markdownLink = regexp.MustCompile(`\[([^\]]*)\]\(([^)]*)\)`)
	relativeUp   = regexp.MustCompile(`^(\.\./)+`)
)

// Terminal renders a generated rule page for a terminal: no HTML comments,
// headings underlined, tables aligned, code indented, links as text with
// their target.
func Terminal(page string) string {
	var out strings.Builder
	lines := strings.Split(page, "\n")
	inCode := false
	var table [][]string
	flushTable := func() {
		if len(table) == 0 {
			return
		}
		widths := map[int]int{}
		for _, row := range table {
			for i, cell := range row {
				widths[i] = max(widths[i], utf8.RuneCountInString(cell))
			}
		}
		for _, row := range table {
			var line strings.Builder
			line.WriteString("  ")
			for i, cell := range row {
				line.WriteString(cell)
				if i < len(row)-1 {
					line.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell)+2))
				}
			}
			out.WriteString(strings.TrimRight(line.String(), " ") + "\n")
		}
		table = nil
	}
	for _, line := range lines {
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
			continue
		}
		if inCode {
			out.WriteString("    " + line + "\n")
			continue
		}
		if strings.HasPrefix(line, "<!--") && strings.HasSuffix(line, "-->") {
			continue
		}
		if strings.HasPrefix(line, "|") {
			cells := strings.Split(strings.Trim(line, "|"), "|")
			if strings.Trim(strings.Join(cells, ""), "-: ") == "" {
				continue // the header separator
			}
			for i, c := range cells {
				cells[i] = inline(strings.TrimSpace(c))
			}
			if strings.Join(cells, "") == "" {
				continue // a table without a header row
			}
			table = append(table, cells)
			continue
		}
		flushTable()
		switch {
		case strings.HasPrefix(line, "### "):
			title := inline(strings.TrimPrefix(line, "### "))
			out.WriteString(title + "\n")
		case strings.HasPrefix(line, "## "):
			title := inline(strings.TrimPrefix(line, "## "))
			out.WriteString(strings.ToUpper(title) + "\n")
		case strings.HasPrefix(line, "# "):
			title := inline(strings.TrimPrefix(line, "# "))
			out.WriteString(title + "\n" + strings.Repeat("=", utf8.RuneCountInString(title)) + "\n")
		default:
			out.WriteString(inline(line) + "\n")
		}
	}
	flushTable()
	return strings.TrimRight(out.String(), "\n") + "\n"
}

// inline drops code ticks and turns links into "text (target)", with
// repository-relative targets written from the repository's root.
func inline(s string) string {
	s = markdownLink.ReplaceAllStringFunc(s, func(m string) string {
		parts := markdownLink.FindStringSubmatch(m)
		text, target := parts[1], relativeUp.ReplaceAllString(parts[2], "")
		bare := strings.Trim(text, "`")
		if target == "" || bare == target {
			return text
		}
		if strings.HasSuffix(strings.TrimSuffix(target, "/"), bare) {
			return target // the text is the target's tail: say it once
		}
		return text + " (" + target + ")"
	})
	return strings.ReplaceAll(s, "`", "")
}
