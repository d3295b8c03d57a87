package platform

// ConfigDir is where the shop keeps its configuration.
func ConfigDir() string { return `C:\ProgramData\shop` }
