// Package vetfixture has one finding for each analyzer of crossls-vet.
package vetfixture

func Name() string { return "app" }
