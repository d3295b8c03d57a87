package goosonly

import "C"

func WindowsOnly() {}
