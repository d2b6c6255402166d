// Command parsefloor is the floor the performance targets are measured
// against: it only parses YAML documents into `any` with yaml.v3 and keeps
// them, the least any checker must do. Benchmark tool, not shipped.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	yaml "go.yaml.in/yaml/v3"
)

func main() {
	var docs []any
	for _, path := range os.Args[1:] {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		dec := yaml.NewDecoder(f)
		for {
			var v any
			if err := dec.Decode(&v); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
			docs = append(docs, v)
		}
		f.Close()
	}
	fmt.Println(len(docs), "documents")
}
