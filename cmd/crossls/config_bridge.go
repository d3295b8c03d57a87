package main

import (
	"context"
	"path/filepath"

	"github.com/crossls/crossls/analysis/config"
	"github.com/crossls/crossls/analysis/target"
)

// loadConfig resolves the configuration of the module at dir as every
// subcommand does: -targets overrides, -config names the file, else the
// search of config.Load.
func loadConfig(ctx context.Context, dir, targetsFlag, configFlag string) (*config.Config, *target.Dist, error) {
	dist, err := target.LoadDist(ctx, "go")
	if err != nil {
		return nil, nil, err
	}
	var explicit []string
	if targetsFlag != "" {
		explicit = []string{targetsFlag}
	}
	var cfg *config.Config
	if configFlag != "" {
		file := configFlag
		if !filepath.IsAbs(file) {
			file = filepath.Join(dir, file)
		}
		cfg, err = config.LoadFile(file, explicit, config.SourceFlag, dist)
	} else {
		cfg, err = config.Load(dir, explicit, config.SourceFlag, dist)
	}
	if err != nil {
		return nil, nil, err
	}
	return cfg, dist, nil
}
