package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/refguard/refguard"
	"github.com/spf13/cobra"
)

func newVersionCommand() *cobra.Command {
	var long bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the release version (also the embedded policy's bundle revision)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !long {
				_, err := fmt.Fprintln(cmd.OutOrStdout(), refguard.Version())
				return err
			}
			_, err := fmt.Fprintln(cmd.OutOrStdout(), versionLine())
			return err
		},
	}
	cmd.Flags().BoolVar(&long, "long", false, "also print the commit, Go version and platform (what --version prints)")
	return cmd
}

// versionLine is what --version prints: the release version, the commit it
// was built from when known, and the toolchain and platform, the facts a bug
// report needs.
func versionLine() string {
	commit := refguard.Commit()
	modified := false
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && commit == "":
				commit = s.Value
			case s.Key == "vcs.modified" && s.Value == "true":
				modified = true
			}
		}
		// go install …@vX.Y.Z records the module version but no VCS data.
		if commit == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			commit = info.Main.Version
		}
	}
	if commit == "" {
		commit = "unknown"
	}
	if len(commit) == 40 {
		commit = commit[:12]
	}
	if modified {
		commit += "-dirty"
	}
	return fmt.Sprintf("refguard %s (commit %s, %s, %s/%s)", refguard.Version(), commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
