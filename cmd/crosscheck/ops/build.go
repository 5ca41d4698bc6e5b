package ops

import (
	"runtime"
	"runtime/debug"
)

// Build is which Crosscheck this is, from the build information the Go
// toolchain embeds: the module version (v1.2.3 when built by `go install
// …@v1.2.3`, "(devel)" from a checkout) and the VCS revision (empty when
// built without VCS stamping, as with -buildvcs=false).
type Build struct {
	Version   string
	Revision  string
	Modified  bool
	GoVersion string
}

// ReadBuild reads the running binary's build information.
func ReadBuild() Build {
	b := Build{Version: "(devel)", GoVersion: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if info.Main.Version != "" {
		b.Version = info.Main.Version
	}
	if info.GoVersion != "" {
		b.GoVersion = info.GoVersion
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// String is the one line `crosscheck version` prints.
func (b Build) String() string {
	rev := b.Revision
	switch {
	case rev == "":
		rev = "unknown"
	case b.Modified:
		rev += " (modified)"
	}
	return "crosscheck " + b.Version + " (revision " + rev + ", " + b.GoVersion + ")"
}
