//go:build !cgo

package userfallback

import (
	"bufio"
	"errors"
	"os"
	"strings"
)

func lookupUser(username string) (*User, error) {
	f, err := os.Open("/etc/passwd")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if fields := strings.Split(s.Text(), ":"); len(fields) > 2 && fields[0] == username {
			return &User{Uid: fields[2], Username: username}, nil
		}
	}
	return nil, errors.New("user: unknown user " + username)
}
