package dev

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// DefaultPath is where the device lives.
const DefaultPath = "/dev/null"

// Mode says how a device is opened.
type Mode int

const (
	ModeRead Mode = iota
	ModeWrite
)

var errUnsupported = errors.New("unsupported")

var defaultMode = ModeRead

var openCount = 0

// Options configures a Device.
type Options struct {
	Timeout time.Duration
	Mode    Mode
}

// Device is an open device.
type Device struct {
	f    *os.File
	opts Options
}

func platformName() string { return "darwin" }

func openDevice(path string) (*Device, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var st syscall.Stat_t
	_ = syscall.Fstat(int(f.Fd()), &st)
	openCount++
	return &Device{f: f}, nil
}

// Close closes the device.
func (d *Device) Close() error { return d.f.Close() }

// Mode returns the mode the device was opened with.
func (d *Device) Mode() Mode { return d.opts.Mode }

func helperOnlyInBodies() int { return syscall.Getpid() }
