package cgopkg

// Version comes from the C library, through cgo.
func Version() int { return cVersion() }
