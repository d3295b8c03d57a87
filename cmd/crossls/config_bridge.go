package main

import (
	"context"

	"github.com/crossls/crossls/analysis/target"
)

// resolveConfig resolves the targets for dir. TODO(lead): switch to analysis/config.
func resolveConfig(ctx context.Context, dir, targets, configFile string) (*resolvedConfig, error) {
	if targets == "" {
		return &resolvedConfig{Targets: target.Default()}, nil
	}
	ts, err := target.ParseList(targets)
	if err != nil {
		return nil, err
	}
	return &resolvedConfig{Targets: ts}, nil
}
