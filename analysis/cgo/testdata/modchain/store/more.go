package store

import "example.com/dep/orm"

var _ = orm.Connect
