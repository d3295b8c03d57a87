package testgap

func helper() int { return 1 }
