// Package rules embeds the generated rule pages, so `refguard explain`
// prints the page the repository and the release link to.
package rules

import "embed"

// FS holds RG<nnn>-<name>.md, one page per rule.
//
//go:embed RG*.md
var FS embed.FS
