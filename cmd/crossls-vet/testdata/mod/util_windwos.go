package vetfixture

func util() {}
