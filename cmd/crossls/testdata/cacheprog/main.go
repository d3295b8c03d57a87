// Command cacheprog is a GOCACHEPROG program for tests: a build cache in
// the directory $CACHEPROG_DIR, shared by every go command that uses it,
// that logs each request as "get hit", "get miss" or "put" to
// $CACHEPROG_DIR/log.
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

type request struct {
	ID       int64
	Command  string
	ActionID []byte `json:",omitempty"`
	OutputID []byte `json:",omitempty"`
	BodySize int64  `json:",omitempty"`
}

type response struct {
	ID            int64
	Err           string     `json:",omitempty"`
	KnownCommands []string   `json:",omitempty"`
	Miss          bool       `json:",omitempty"`
	OutputID      []byte     `json:",omitempty"`
	Size          int64      `json:",omitempty"`
	Time          *time.Time `json:",omitempty"`
	DiskPath      string     `json:",omitempty"`
}

// entry is what a put stores under its action ID.
type entry struct {
	OutputID []byte
	Size     int64
}

func main() {
	dir := os.Getenv("CACHEPROG_DIR")
	logf, err := os.OpenFile(filepath.Join(dir, "log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	in := bufio.NewReader(os.Stdin)
	dec := json.NewDecoder(in)
	out := json.NewEncoder(os.Stdout)
	out.Encode(response{KnownCommands: []string{"get", "put", "close"}})
	for {
		var req request
		if err := dec.Decode(&req); err != nil {
			return
		}
		res := response{ID: req.ID}
		switch req.Command {
		case "get":
			var e entry
			data, err := os.ReadFile(filepath.Join(dir, "a-"+hex.EncodeToString(req.ActionID)))
			if err == nil && json.Unmarshal(data, &e) == nil {
				now := time.Now()
				res.OutputID, res.Size, res.Time = e.OutputID, e.Size, &now
				res.DiskPath = filepath.Join(dir, "o-"+hex.EncodeToString(e.OutputID))
				fmt.Fprintln(logf, "get hit")
			} else {
				res.Miss = true
				fmt.Fprintln(logf, "get miss")
			}
		case "put":
			var body []byte
			if req.BodySize > 0 {
				var encoded string
				if err := dec.Decode(&encoded); err != nil {
					return
				}
				if body, err = base64.StdEncoding.DecodeString(encoded); err != nil {
					res.Err = err.Error()
					break
				}
			}
			path := filepath.Join(dir, "o-"+hex.EncodeToString(req.OutputID))
			if err := os.WriteFile(path, body, 0o644); err != nil {
				res.Err = err.Error()
				break
			}
			data, _ := json.Marshal(entry{OutputID: req.OutputID, Size: int64(len(body))})
			os.WriteFile(filepath.Join(dir, "a-"+hex.EncodeToString(req.ActionID)), data, 0o644)
			res.DiskPath = path
			fmt.Fprintln(logf, "put")
		case "close":
			out.Encode(res)
			return
		default:
			res.Err = "unknown command " + req.Command
		}
		out.Encode(res)
	}
}
