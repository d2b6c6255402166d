# conftest's parse floor: a policy that reads the --combine input once and
# finds nothing, so a run costs what conftest itself costs (read, parse,
# convert the input, one query). Benchmark input only.
package main

deny contains msg if {
	input[0].contents.kind == "NoSuchKind"
	msg := "never"
}
