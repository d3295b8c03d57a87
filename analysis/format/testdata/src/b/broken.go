// Package b has a file that does not parse.
package b

func Broken() int {
	return 1 +
} // want "syntax error: expected operand, found '}'"
