// Package common is modelled on github.com/shirou/gopsutil/v3/internal/common.
package common

import "errors"

var ErrNotImplementedError = errors.New("not implemented yet")
