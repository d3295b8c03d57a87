package sub

const name = "windows"
