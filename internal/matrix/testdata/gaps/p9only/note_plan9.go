package p9only

// Note is plan9-only.
const Note = "plan9"
