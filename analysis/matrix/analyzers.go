package matrix

import (
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildtag"

	"github.com/crossls/crossls/analysis/buildgap"
	"github.com/crossls/crossls/analysis/cgo"
	"github.com/crossls/crossls/analysis/format"
	"github.com/crossls/crossls/analysis/taghygiene"
	"github.com/crossls/crossls/analysis/target"
)

type analysisFact = analysis.Fact

// analyzerSpec names an analyzer as configuration does and builds its
// instance for a target.
type analyzerSpec struct {
	name      string // the switch in configuration
	forTarget func(target.Target) *analysis.Analyzer
}

func always(a *analysis.Analyzer) func(target.Target) *analysis.Analyzer {
	return func(target.Target) *analysis.Analyzer { return a }
}

// analyzerSpecs lists the analyzers in the order they run. x/tools'
// buildtag checks malformed constraint lines; taghygiene's switch covers it.
var analyzerSpecs = []analyzerSpec{
	{"cgo", cgo.ForTarget},
	{"buildgap", always(buildgap.Analyzer)},
	{"taghygiene", always(taghygiene.Analyzer)},
	{"taghygiene", always(buildtag.Analyzer)},
	{"format", always(format.Analyzer)},
}

// AnalyzerNames lists the analyzers that configuration can switch.
func AnalyzerNames() []string {
	var names []string
	for _, s := range analyzerSpecs {
		if len(names) == 0 || names[len(names)-1] != s.name {
			names = append(names, s.name)
		}
	}
	return names
}

func analyzersFor(t target.Target, enabled map[string]bool) []*analysis.Analyzer {
	var out []*analysis.Analyzer
	for _, s := range analyzerSpecs {
		if on, ok := enabled[s.name]; ok && !on {
			continue
		}
		out = append(out, s.forTarget(t))
	}
	return out
}
