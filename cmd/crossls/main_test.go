package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestVersionAndUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"version"}, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "crossls ") {
		t.Errorf("version: exit %d, %q %q", code, out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := run(context.Background(), []string{"frobnicate"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, %q", code, errb.String())
	}
	errb.Reset()
	if code := run(context.Background(), nil, &out, &errb); code != 2 {
		t.Errorf("no command: exit %d", code)
	}
	for _, name := range []string{"check", "build", "targets", "serve", "version"} {
		if !strings.Contains(errb.String(), "  "+name+" ") {
			t.Errorf("usage does not list %s:\n%s", name, errb.String())
		}
	}
}
