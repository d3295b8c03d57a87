package sysfield

import (
	"os"
	"syscall"
)

// Inode returns the inode number of a file.
func Inode(fi os.FileInfo) uint64 {
	return uint64(fi.Sys().(*syscall.Stat_t).Ino)
}
