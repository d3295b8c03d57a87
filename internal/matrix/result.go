package matrix

// The types below are the JSON contract of `crossls check -json`, used by
// CI and the editors. Keep them stable: add fields, never rename them.

// Result is the outcome of checking packages for every target.
type Result struct {
	GoVersion   string       `json:"go_version"`
	Targets     []string     `json:"targets"`
	Packages    []Package    `json:"packages"`
	Diagnostics []Diagnostic `json:"diagnostics"`
	// Partial is set only in the result of a check with Options.Partial.
	Partial *Partial `json:"partial,omitempty"`
}

// Partial is what MergePartial needs of one part of a split check beyond
// its findings, which are in the order the targets' merge made them.
type Partial struct {
	// Once lists the indexes of findings said once per check, at their
	// first position (information about a dependency's cgo fallback).
	Once []int `json:"once"`
	// Unbuilt lists the indexes of the findings about files that no
	// target of this part builds; of all the targets, only if no part
	// builds them.
	Unbuilt []int `json:"unbuilt"`
}

// Package holds the per-target verdicts of one package matched by the
// patterns: the prediction of `go build <package>` for each target, and of
// compiling its tests.
type Package struct {
	Path    string             `json:"path"`
	Dir     string             `json:"dir"`
	Targets map[string]Verdict `json:"targets"`
}

// Verdict classes.
const (
	ClassNoGoFiles       = "no-go-files"
	ClassCgoRequired     = "cgo-required"
	ClassUndefinedSymbol = "undefined-symbol"
	ClassTypeError       = "type-error"
	ClassDependencyFails = "dependency-fails"
	ClassOther           = "other"
)

// Verdict predicts whether `go build` succeeds for one package and target.
type Verdict struct {
	Status  string `json:"status"` // "ok" or "fail"
	Class   string `json:"class,omitempty"`
	Message string `json:"message,omitempty"`
	Pos     string `json:"pos,omitempty"` // file:line:col of the first error
	// Tests predicts whether the package's tests compile for the target
	// (go vet with the target's environment): the package with its
	// _test.go files, then its external test package. Set only when the
	// check includes tests and the package has test files for the target.
	Tests *Verdict `json:"tests,omitempty"`
}

// Severities.
const (
	SeverityError   = "error" // the affected targets will not build
	SeverityWarning = "warning"
	SeverityInfo    = "info"
)

// Diagnostic is one finding, reported once for all the targets it affects.
// Lines are 1-based; columns are 1-based byte offsets, as in go/token.
type Diagnostic struct {
	File      string    `json:"file"`
	Line      int       `json:"line"`
	Column    int       `json:"column"`
	EndLine   int       `json:"end_line"`
	EndColumn int       `json:"end_column"`
	Severity  string    `json:"severity"`
	Analyzer  string    `json:"analyzer"`
	Message   string    `json:"message"` // starts with the targets, e.g. "[windows/amd64] undefined: f"
	Targets   []string  `json:"targets"`
	Package   string    `json:"package"`
	Related   []Related `json:"related,omitempty"`
	Fixes     []Fix     `json:"fixes,omitempty"`

	// once: information that a check says once, at its first position;
	// the others become related locations.
	once bool
}

// Related points at another location that explains a diagnostic, such as
// a definition that exists only for other targets.
type Related struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	Message   string `json:"message"`
}

// Fix is one way to resolve a diagnostic: text edits, a file rename or a
// new file, applied together.
type Fix struct {
	Message string  `json:"message"`
	Edits   []Edit  `json:"edits,omitempty"`
	Rename  *Rename `json:"rename,omitempty"`
	Create  *Create `json:"create,omitempty"`
}

// Edit replaces the text between two positions of a file.
type Edit struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	NewText   string `json:"new_text"`
}

// Rename renames a file (absolute paths).
type Rename struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Create creates a file that must not exist yet.
type Create struct {
	File    string `json:"file"`
	Content string `json:"content"`
}
