package vetfixture

import "testing"

func TestUtil(t *testing.T) {}
