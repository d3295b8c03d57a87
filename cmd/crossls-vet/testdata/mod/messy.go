package vetfixture

func  messy() {}
