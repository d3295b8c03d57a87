package vetfixture

func broken() {
	return 1 +
}
