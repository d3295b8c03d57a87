// want +1 `build tag "amd46" is not a known GOARCH and is never set; did you mean "amd64"\?` `build tag "arm46" is not a known GOARCH`
//go:build (amd64 || amd46) && !arm46 && go1.18 && !amd64.v5 && !unix_like

package a
