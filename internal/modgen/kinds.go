package modgen

// A kind is a sort of declaration whose variants give a name different
// APIs, with uses that type-check for some variants and not others.
//
// Templates use $N for the declared name, $Q for the qualifier that reaches
// the declaring package from the using one ("" or "a."), $U for a name
// unique in the using package, $R for the unqualified name of the type an
// embed kind embeds and, in re-exports, $A for the qualifier of the
// re-exported package.
type kind struct {
	name string
	// common declares, for every target, what the variants and uses need.
	common string
	// variants are the declarations; "" leaves the name undeclared. A
	// variant may start with marker lines (see markers in modgen.go).
	variants []string
	// cgoVariants, if any, are the variants for parts that import "C".
	cgoVariants []string
	uses        []use
	// reexports are ways an importing package offers the declaration to
	// its own importers, under the same name.
	reexports []string
	// embeds says the kind refers to a method kind's type ($R).
	embeds bool
}

// A use is code in a using package: top-level declarations and function
// body statements.
type use struct {
	top, body string
	// local uses are valid only in the declaring package.
	local bool
}

func body(s string) use { return use{body: s} }

var kinds = []*kind{
	{
		name: "func",
		variants: []string{
			"func $N(x int) int { return x }",
			"func $N(x int64) int64 { return x }",
			"func $N(x int) (int, error) { return x, nil }",
			"func $N(xs ...int) int { return len(xs) }",
			"func $N[V ~int | ~int64](x V) V { return x }",
			"var $N = func(x int) int { return x }",
			"func $N(x int) {}",
			"func $N(x, y int) int { return x + y }",
			"",
		},
		uses: []use{
			body("_ = $Q$N(1)"),
			body("var r int = $Q$N(1)\n_ = r"),
			body("r, err := $Q$N(2)\n_, _ = r, err"),
			body("var n int64 = 5\n_ = $Q$N(n)"),
			body("f := $Q$N\n_ = f"),
			body("$Q$N(3)"),
			body("_ = $Q$N()"),
			body("var f func(int) int = $Q$N\n_ = f"),
			body("$Q$N = nil"),
			body("_ = $Q$N[int](1)"),
			body("_ = $Q$N(1, 2)"),
			{top: "var $U = $Q$N(4)"},
			{top: "var $U func(int) int = $Q$N"},
		},
		reexports: []string{
			"var $N = $A$N",
			"func $N(x int) int { return $A$N(x) }",
			"func $N(x int) int {\n\tr := $A$N(x)\n\treturn int(r)\n}",
		},
	},
	{
		name: "const",
		variants: []string{
			"const $N = 1 << 40",
			"const $N = 7",
			"const $N int32 = 7",
			`const $N = "seven"`,
			"const $N = 1 << 31",
			"const $N uint = 7",
			"const $N = 2.5",
			"var $N = 7",
			"const $N = -1",
			"const $N int64 = 1 << 40",
			"const $N = 'x'",
			"const $N = unsafe.Sizeof(uintptr(0)) * 8",
			"const $N = ^uint(0) >> 1",
			"const $N = 1<<(unsafe.Sizeof(uintptr(0))*8-1) - 1",
			"",
		},
		uses: []use{
			body("var x int = $Q$N\n_ = x"),
			body("var x int32 = $Q$N\n_ = x"),
			body("const k = $Q$N + 1\n_ = k"),
			body("var arr [$Q$N % 16]byte\n_ = arr"),
			body("var s string = $Q$N\n_ = s"),
			body("var f float64 = $Q$N\n_ = f"),
			body("var u uint8 = $Q$N\n_ = u"),
			body("_ = int64($Q$N)"),
			body("_ = $Q$N * 1000000000"),
			body("n := 3\n_ = n << $Q$N"),
			body("var x uint = $Q$N\n_ = x"),
			{top: "var $U [$Q$N]struct{}"},
			{top: "const $U = $Q$N"},
			{top: "var $U int = $Q$N"},
			{top: "const $U int32 = $Q$N >> 8"},
		},
		reexports: []string{
			"const $N = $A$N",
			"var $N = $A$N",
			"const $N = $A$N + 0",
		},
	},
	{
		name: "type",
		variants: []string{
			"type $N struct{ X int }",
			"type $N int",
			"type $N []int",
			"type $N map[string]int",
			"type $N func() int",
			"type $N interface{ M() }",
			"type $N = int",
			"type $N struct {\n\tX string\n\tY int\n}",
			"type $N struct{ X int64 }",
			"type $N [2]int",
			"type $N = []int",
			"type $N = struct{ X int }",
			"type $N string",
			"type $N uintptr",
			"type $N chan int",
			"type $N *int",
			"",
		},
		uses: []use{
			body("var v $Q$N\n_ = v"),
			body("v := $Q$N{}\n_ = v"),
			body("var v $Q$N = 3\n_ = v"),
			body("var v $Q$N\n_ = len(v)"),
			body("var v $Q$N\n_ = v.X + 1"),
			body("_ = $Q$N{X: 1}"),
			body(`_ = $Q$N{X: "a", Y: 1}`),
			body(`var v $Q$N
v["k"] = 1`),
			body("var v $Q$N\n_ = v()"),
			body("var v $Q$N\nv.M()"),
			body("n := 1\nvar v $Q$N = n\n_ = v"),
			body("var v $Q$N\nvar n int = int(v)\n_ = n"),
			body("var v $Q$N\n_ = v == nil"),
			body("var v $Q$N\n_ = v[0]"),
			body("var v $Q$N\nfor range v {\n}"),
			body("var m map[$Q$N]bool\n_ = m"),
			body("var v $Q$N\nv = append(v, 1)\n_ = v"),
			body("var v $Q$N\nclose(v)"),
			body("var s []int = $Q$N{1}\n_ = s"),
			body(`_ = $Q$N("x")`),
			body("var v $Q$N\n_ = *v"),
			{top: "type $U struct{ $Q$N }"},
			{top: "var $U = unsafe.Sizeof(*new($Q$N))"},
			{top: "var _ [unsafe.Sizeof(*new($Q$N)) - 8]byte"},
			{top: "func $U() $Q$N { return nil }"},
			{top: "func ($U $Q$N) Method() {}", local: true},
		},
		reexports: []string{
			"type $N = $A$N",
			"type $N = $A$N",
			"type $N $A$N",
			"type $N struct{ $A$N }",
		},
	},
	{
		name:   "method",
		common: "type $N struct{ v int }\n\nfunc Make$N() $N { return $N{} }\n\nfunc New$N() *$N { return &$N{} }",
		variants: []string{
			"func ($N) M() int { return 1 }",
			"func (*$N) M() int { return 1 }",
			"func ($N) M(x int) int { return x }",
			`func ($N) M() string { return "" }`,
			"func (r *$N) M() int { return r.v }",
			"func ($N) M() (int, error) { return 1, nil }",
			"func ($N) m() int { return 1 }",
			"func ($N) M() int { return 1 }\n\nfunc ($N) N() {}",
			"func (r $N) M() int { return r.v }\n\nfunc (r *$N) Set(v int) { r.v = v }",
			"",
		},
		uses: []use{
			body("_ = $QMake$N().M()"),
			body("var r $Q$N\n_ = r.M()"),
			body("_ = $QNew$N().M()"),
			body("var i interface{ M() int } = $QMake$N()\n_ = i"),
			body("var i interface{ M() int } = $QNew$N()\n_ = i"),
			body("f := $Q$N.M\n_ = f"),
			body("f := (*$Q$N).M\n_ = f"),
			body("var r $Q$N\n_ = r.M(1)"),
			body("var s string = $QMake$N().M()\n_ = s"),
			body("var r $Q$N\nr.M()"),
			body("var i interface{ N() } = $QNew$N()\n_ = i"),
			body("g := $QMake$N().M\n_ = g"),
			body("var r $Q$N\ng := r.M\n_ = g() + 1"),
			body("var r $Q$N\n_, _ = r.M()"),
			body("$QMake$N().Set(2)"),
			body("var r $Q$N\nr.Set(3)\n_ = r.M()"),
			{top: "type $U struct{ $Q$N }", body: "var e $U\n_ = e.M()"},
			{top: "type $U struct{ *$Q$N }", body: "_ = $U{}.M()"},
			{top: "type $U interface{ M() int }\n\nvar _ $U = $QMake$N()"},
			{top: "var _ = $Q$N.M"},
			{top: "func ($N) M() int { return 2 }", local: true},
		},
		reexports: []string{
			"type $N = $A$N\n\nvar Make$N, New$N = $AMake$N, $ANew$N",
			"type $N = $A$N\n\nvar Make$N, New$N = $AMake$N, $ANew$N",
			"type $N $A$N\n\nfunc Make$N() $N { return $N($AMake$N()) }\n\nfunc New$N() *$N { return (*$N)($ANew$N()) }",
			"type $N struct{ $A$N }\n\nfunc Make$N() $N { return $N{} }\n\nfunc New$N() *$N { return &$N{} }",
			"type $N struct{ *$A$N }\n\nfunc Make$N() $N { return $N{$ANew$N()} }\n\nfunc New$N() *$N { return &$N{} }",
			"type $N = $A$N\n\nfunc Make$N() $A$N { return $AMake$N() }\n\nfunc New$N() *$A$N { return $ANew$N() }",
		},
	},
	{
		name:   "embed",
		embeds: true,
		variants: []string{
			"type $N struct {\n\t$R\n\tAmb$N\n}\n\ntype Amb$N struct{}\n\nfunc (Amb$N) M() int { return 0 }",
			"type $N struct{ $R }",
			"type $N struct{ *$R }",
			"type $N struct{ $R $R }",
			"type $N = $R",
			"type $N $R",
			"type $N struct {\n\t$R\n\tX int\n}",
			"type $N struct {\n\t$R\n\tM int\n}",
			"type $N interface{ M() int }",
			"type $N struct {\n\t*$R\n\tinner struct{ $R }\n}",
			"",
		},
		uses: []use{
			body("var e $Q$N\n_ = e.M()"),
			body("var i interface{ M() int } = $Q$N{}\n_ = i"),
			body("var i interface{ M() int } = &$Q$N{}\n_ = i"),
			body("var e $Q$N\n_ = e.$R"),
			body("var e $Q$N\ne.v = 1"),
			body("_ = $Q$N{$Q$R{}}"),
			body("_ = $Q$N{$R: $QMake$R()}"),
			body("var e $Q$N\n_ = e.X"),
			body("var e $Q$N\nvar r $Q$R = e\n_ = r"),
			body("var e $Q$N\n_ = $Q$R(e)"),
			{top: "type $U struct{ $Q$N }", body: "var u $U\n_ = u.M()"},
			{top: "type $U interface{ M() int }\n\nvar _ $U = (*$Q$N)(nil)"},
		},
		reexports: []string{
			"type $N = $A$N",
			"type $N = $A$N",
			"type $N struct{ $A$N }",
			"type $N $A$N",
		},
	},
	{
		name: "generic",
		variants: []string{
			"func $N[V ~int](v V) V { return v }",
			"func $N[V any](v V) V { return v }",
			"func $N[V interface{ ~int | ~string }](v V) V { return v }",
			"func $N[V interface{ String() string }](v V) string { return v.String() }",
			"func $N[V comparable](v V) V { return v }",
			"func $N[V ~int, W any](v V, w W) V { return v }",
			"func $N(v int) int { return v }",
			"func $N[V ~[]E, E any](v V) E { return v[0] }",
			"func $N[V interface {\n\t~int\n\tString() string\n}](v V) V {\n\treturn v\n}",
			"",
		},
		uses: []use{
			body("_ = $Q$N(1)"),
			body(`_ = $Q$N("s")`),
			body("type myInt int\n_ = $Q$N(myInt(1))"),
			body("_ = $Q$N([]int{1})"),
			body("_ = $Q$N[int](3)"),
			body(`_ = $Q$N(1, "x")`),
			body("var s interface{ String() string }\n_ = $Q$N(s)"),
			body("var x int = $Q$N(2)\n_ = x"),
			body("f := $Q$N[int]\n_ = f"),
			body("f := $Q$N\n_ = f"),
			body("var f func(int) int = $Q$N\n_ = f"),
			{top: "func $U[T ~int](t T) T { return $Q$N(t) }"},
			{top: "type $U int\n\nfunc ($U) String() string { return \"\" }", body: "_ = $Q$N($U(1))"},
		},
		reexports: []string{
			"var $N = $A$N[int]",
			"func $N[V ~int](v V) V { return $A$N(v) }",
			"var $N = $A$N",
			"func $N(v int) int { return $A$N(v) }",
		},
	},
	{
		name: "generic-type",
		variants: []string{
			"type $N[V any] struct{ Val V }",
			"type $N[V comparable] struct{ Val V }",
			"type $N[V any] []V",
			"type $N[V ~int] struct{ Val V }",
			"type $N[V any] struct{ Val V }\n\nfunc (b $N[V]) Get() V { return b.Val }",
			"type $N[V any, W any] struct{ Val V }",
			"type $N struct{ Val int }",
			"type $N[V any] = []V",
			"type $N[V any] struct{ Val V }\n\nfunc (b *$N[V]) Get() V { return b.Val }",
			"",
		},
		uses: []use{
			body("var b $Q$N[[]int]\n_ = b"),
			body("_ = $Q$N[int]{Val: 1}"),
			body("var b $Q$N[int]\n_ = len(b)"),
			body("var b $Q$N[int]\n_ = b.Get()"),
			body("_ = $Q$N[int]{}.Get()"),
			body("var b $Q$N\n_ = b"),
			body("var b $Q$N[int, string]\n_ = b"),
			body("var b $Q$N[string]\n_ = b.Val"),
			body("_ = $Q$N[int]{1, 2}"),
			body("var b $Q$N[int]\nvar s []int = b\n_ = s"),
			{top: "type $U[T any] struct{ f $Q$N[T] }"},
			{top: "func $U[T comparable](v $Q$N[T]) {}"},
		},
		reexports: []string{
			"type $N[V any] = $A$N[V]",
			"type $N = $A$N[int]",
			"type $N[V comparable] = $A$N[V]",
		},
	},
	{
		name: "interface",
		variants: []string{
			"type $N interface{ M() }",
			"type $N interface {\n\tM()\n\tN()\n}",
			"type $N interface{ M() int }",
			"type $N interface{ ~int }",
			"type $N = interface{ M() }",
			"type $N interface {\n\tM()\n\tString() string\n}",
			"type $N interface{ m() }",
			"type $N any",
			"type $N interface {\n\tcomparable\n\tM()\n}",
			"",
		},
		uses: []use{
			{top: "type $U struct{}\n\nfunc ($U) M() {}", body: "var _ $Q$N = $U{}"},
			{top: "type $U struct{}\n\nfunc (*$U) M() {}", body: "var _ $Q$N = &$U{}"},
			{top: "type $U struct{}\n\nfunc (*$U) M() {}", body: "var _ $Q$N = $U{}"},
			body("var i $Q$N\ni.N()"),
			body("var i $Q$N\n_ = i.M() + 1"),
			{top: "func $U[V $Q$N](v V) {}"},
			body("var i $Q$N\n_ = i"),
			body("var x any = 1\n_, _ = x.($Q$N)"),
			{top: "type $U interface {\n\t$Q$N\n\tClose()\n}"},
			{top: "type $U struct{}\n\nfunc ($U) M() {}\n\nfunc ($U) N() {}\n\nfunc ($U) String() string { return \"\" }", body: "var _ $Q$N = $U{}"},
			{top: "type $U int\n\nfunc ($U) M() {}", body: "var _ $Q$N = $U(1)"},
		},
		reexports: []string{
			"type $N = $A$N",
			"type $N $A$N",
			"type $N interface{ $A$N }",
		},
	},
	{
		name: "struct",
		// Variants are made by structVariant from fields.
		uses: []use{
			body("var s $Q$N\ns.A = 1"),
			body("_ = $Q$N{A: 1}"),
			body("_ = $Q$N{1, nil}"),
			body("var s $Q$N\nvar p *int = s.B\n_ = p"),
			body("var s $Q$N\ns.C = true"),
			body("var s $Q$N\n_ = len(s.B)"),
			body("var s $Q$N\n_ = s.D.E"),
			body("var s $Q$N\ns.c++"),
			body("_ = $Q$N{}"),
			body("var s $Q$N\n_ = s.E()"),
			body("var s $Q$N\n_ = s == $Q$N{}"),
			body(`_ = $Q$N{A: "x", C: true}`),
			{top: "var _ [unsafe.Sizeof($Q$N{}) - 16]byte"},
			{top: "var $U $Q$N\n\nvar _ [unsafe.Offsetof($U.C) - 8]byte"},
			{top: "var _ = map[$Q$N]int{}"},
		},
		reexports: []string{
			"type $N = $A$N",
			"type $N $A$N",
			"type $N struct{ $A$N }",
		},
	},
	{
		name: "var",
		variants: []string{
			"var $N int",
			"var $N int64",
			"var $N = []string{}",
			"var $N, _ = 1, 2",
			"var $N *int",
			"var $N = map[string]int{}",
			"const $N = 1",
			"func $N() int { return 0 }",
			"",
		},
		uses: []use{
			body("$Q$N++"),
			body("var x int = $Q$N\n_ = x"),
			body(`$Q$N = append($Q$N, "a")`),
			body("_ = len($Q$N)"),
			body("$Q$N = nil"),
			body("p := &$Q$N\n_ = p"),
			body(`$Q$N["k"] = 1`),
			body("_ = *$Q$N"),
			{top: "var $U = $Q$N"},
		},
		reexports: []string{
			"var $N = $A$N",
			"var $N = &$A$N",
		},
	},
	{
		name: "alias",
		variants: []string{
			"type $N = int",
			"type $N int",
			"type $N = int64",
			"type $N = string",
			"type $N = any",
			"type $N = error",
			"type $N = uintptr",
			"",
		},
		uses: []use{
			body("var i int = $Q$N(3)\n_ = i"),
			body("n := 1\nvar v $Q$N = n\n_ = v"),
			body(`var v $Q$N = "a"
_ = v`),
			body("var v $Q$N = nil\n_ = v"),
			body("var v $Q$N\n_ = v.Error()"),
			body("var v $Q$N\nvar e error = v\n_ = e"),
			body("var p uintptr = 1\nvar v $Q$N = p\n_ = v"),
			{top: "func ($U $Q$N) Method() {}", local: true},
			{top: "var _ [unsafe.Sizeof($Q$N(0))]byte"},
		},
		reexports: []string{
			"type $N = $A$N",
			"type $N $A$N",
		},
	},
	{
		name: "size",
		common: "const $N = unsafe.Sizeof(uintptr(0))\n\nvar Buf$N [$N * 4]byte\n\n" +
			"type Hdr$N [unsafe.Sizeof(int(0))]byte",
		variants: []string{""},
		uses: []use{
			body("var x [32]byte = $QBuf$N\n_ = x"),
			body("var x [16]byte = $QBuf$N\n_ = x"),
			{top: "var _ [$Q$N - 5]byte"},
			{top: "var _ [5 - $Q$N]byte"},
			body("var h $QHdr$N\nvar x [8]byte = h\n_ = x"),
			body("var x int32 = 1 << ($Q$N*8 - 2)\n_ = x"),
			{top: "var _ [unsafe.Sizeof($QBuf$N) - 32]byte"},
			{top: "var _ [unsafe.Alignof(int64(0)) - 8]byte"},
			{top: "type $U struct {\n\tb bool\n\tn int64\n}\n\nvar _ [unsafe.Offsetof($U{}.n) - 8]byte"},
			{top: "var $U [1 << 31]byte"},
			{top: "var $U [$Q$N << 29]byte"},
			{top: "const $U = 1 << ($Q$N * 8)\n\nvar _ uint = $U - 1"},
		},
		reexports: []string{
			"const $N = $A$N\n\nvar Buf$N = $ABuf$N\n\ntype Hdr$N = $AHdr$N",
			"var $N = $A$N\n\nvar Buf$N = $ABuf$N\n\ntype Hdr$N $AHdr$N",
		},
	},
	{
		name: "cgo-func",
		cgoVariants: []string{
			"func $N() int { return int(C.seven()) }",
			"func $N() C.int { return C.seven() }",
		},
		variants: []string{
			"func $N() int { return 7 }",
			"func $N() int32 { return 7 }",
			"",
		},
		uses: []use{
			body("var x int = $Q$N()\n_ = x"),
			body("x := int32($Q$N())\n_ = x"),
			body("_ = $Q$N() + 1"),
			body("var x int32 = $Q$N()\n_ = x"),
		},
		reexports: []string{"var $N = $A$N", "func $N() int { return int($A$N()) }"},
	},
	{
		name: "cgo-type",
		cgoVariants: []string{
			"type $N = C.int",
			"type $N C.int",
			"type $N = C.struct_pt",
			"type $N C.struct_pt",
		},
		variants: []string{
			"type $N = int32",
			"type $N int32",
			"type $N struct{ x, y int32 }",
			"",
		},
		uses: []use{
			body("var c $Q$N = 3\n_ = c"),
			body("var c $Q$N\nvar i int32 = int32(c)\n_ = i"),
			body("var c $Q$N\nvar i int32 = c\n_ = i"),
			body("var p $Q$N\n_ = p.x"),
			body("var p $Q$N\n_ = p.y + 1"),
			{top: "var _ [unsafe.Sizeof($Q$N{}) - 8]byte"},
		},
		reexports: []string{"type $N = $A$N", "type $N $A$N"},
	},
	{
		name: "cgo-value",
		cgoVariants: []string{
			"var $N C.int = 3",
			"var $N = C.seven()",
			"const $N = C.FOO",
			"const $N C.int = 3",
		},
		variants: []string{
			"var $N int32 = 3",
			"var $N = 3",
			"const $N = 3",
			"const $N int32 = 3",
			"",
		},
		uses: []use{
			body("_ = $Q$N + 1"),
			body("var i int32 = $Q$N\n_ = i"),
			body("var n int = int($Q$N)\n_ = n"),
			body("var n int = $Q$N\n_ = n"),
			{top: "var _ [$Q$N]byte"},
		},
		reexports: []string{"var $N = $A$N", "const $N = $A$N"},
	},
	{
		// A function without a Go body is fine in a package with an
		// assembly file for the target, even one that defines nothing:
		// the compiler leaves it to the linker.
		name: "asm",
		variants: []string{
			"//asm\nfunc $N(x int) int",
			"func $N(x int) int { return x }",
			"func $N(x int) int",
			"",
		},
		uses: []use{
			body("_ = $Q$N(1)"),
			body("var f func(int) int = $Q$N\n_ = f"),
		},
		reexports: []string{"var $N = $A$N"},
	},
	{
		name: "body",
		variants: []string{
			"func $N() int",
			"func $N() int { return 1 }",
			"//go:noescape\nfunc $N(p *int) int",
			"func $N() int {\n\tx := 1\n\treturn 2\n}",
			"",
		},
		uses: []use{
			body("_ = $Q$N()"),
			body("var x int\n_ = $Q$N(&x)"),
		},
		reexports: []string{"var $N = $A$N"},
	},
	{
		name: "broken",
		variants: []string{
			"func $N() int { return 1 }",
			"func $N() int { return 1 + }",
			"func $N() int {\n\treturn 1\n",
			"//import os\nfunc $N() int { return 1 }",
			"//package other\nfunc $N() int { return 1 }",
			"//importcycle\nfunc $N() int { return 1 }",
			"func $N() int { return \"s\" }",
			"//go:noescape\nfunc $N() int { return 1 }",
			"//go:linkname $N runtime.fastrand\nfunc $N() int { return 1 }",
			"var $N = $Ninit()\n\nfunc $Ninit() int { return $N }",
			"var $N = func() int {\n\tvar big [1 << 31]byte\n\treturn len(big)\n}",
			"",
		},
		uses: []use{
			body("_ = $Q$N()"),
			body("var x int = $Q$N()\n_ = x"),
		},
		reexports: []string{"var $N = $A$N"},
	},
}

// stdUses use the standard library's APIs that differ between targets.
var stdUses = []string{
	"_ = syscall.Getpagesize()",
	"_ = syscall.SIGUSR1",
	"var st syscall.Stat_t\n_ = st.Ino",
	"var st syscall.Stat_t\n_ = st.Atim",
	"var st syscall.Stat_t\n_ = st.Atimespec",
	"_ = syscall.Mmap",
	"_ = syscall.O_CLOEXEC",
	"var ts syscall.Timespec\n_ = ts.Nano()",
	"_ = syscall.Getuid()",
	"var h syscall.Handle\n_ = h",
	"_ = syscall.Exec",
	"var r syscall.Rusage\n_ = r.Maxrss",
	"var attr syscall.SysProcAttr\n_ = attr.Setpgid",
	"var attr syscall.SysProcAttr\n_ = attr.HideWindow",
	"var n syscall.Note\n_ = n",
	"var st syscall.Stat_t\nvar d int64 = st.Dev\n_ = d",
	"var st syscall.Stat_t\nvar b int64 = st.Blksize\n_ = b",
	"var x int = syscall.Stdin\n_ = x",
	"_ = syscall.ImplementsGetwd",
	"for i := range 3 {\n_ = i\n}",
	"var fi os.FileInfo\n_ = fi.Sys().(*syscall.Stat_t).Mode",
}

// cgoPreamble is the C code of every file that imports "C": trivial, so
// that the host C compiler builds it.
const cgoPreamble = `/*
static inline int seven(void) { return 7; }
#define FOO 3
struct pt { int x; int y; };
*/
`

// structFields are the fields struct variants are made of.
var structFields = []string{
	"A int", "A int64", "A string", "B []byte", "B *int", "C bool", "c int",
	"D struct{ E int }", "E func() int", "_ [4]byte", "F uintptr",
}
