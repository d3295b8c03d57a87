package lib

import "C"

const platform = "windows"
