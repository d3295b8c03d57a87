-- End-to-end test of the crossls Neovim plugin against the real `crossls
-- serve`. Run by run.sh, which sets:
--   CROSSLS_BIN          the crossls binary under test
--   CROSSLS_WS           a fresh copy of test/fixture (a linux-only function
--                        called from main.go)
--   CROSSLS_WS2          a second copy, for the one-client-per-root check
--   CROSSLS_SCRATCH      an empty directory for the root detection checks
--   CROSSLS_EXPECT_API   the client API path this Neovim must use
-- Prints one line per check and ends with "N passed, M failed".
local uv = vim.uv or vim.loop

local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/harness.lua')
local out, test, expect, wait_for, notes = H.out, H.test, H.expect, H.wait_for, H.notes

local function read_file(path)
  local f = io.open(path, 'rb')
  if f == nil then
    return nil
  end
  local s = f:read('*a')
  f:close()
  return s
end

local function write_file(path, s)
  local f = assert(io.open(path, 'wb'))
  f:write(s)
  f:close()
end

local BIN = (assert(vim.env.CROSSLS_BIN, 'CROSSLS_BIN not set'))
local WS = uv.fs_realpath((assert(vim.env.CROSSLS_WS, 'CROSSLS_WS not set')))
local WS2 = uv.fs_realpath((assert(vim.env.CROSSLS_WS2, 'CROSSLS_WS2 not set')))
local SCRATCH = uv.fs_realpath((assert(vim.env.CROSSLS_SCRATCH, 'CROSSLS_SCRATCH not set')))
local TARGETS = { 'linux/amd64', 'linux/arm64', 'windows/amd64' }

local function notes_matching(pattern, level)
  local found = {}
  for _, n in ipairs(notes) do
    if n.msg:find(pattern) and (level == nil or n.level == level) then
      found[#found + 1] = n.msg
    end
  end
  return found
end

-- 0.7 opens a blocking prompt for window/showMessageRequest: answer it.
vim.lsp.handlers['window/showMessageRequest'] = function(_, params)
  return params.actions and params.actions[1] or vim.NIL
end

local crossls = require('crossls')
local config = require('crossls.config')
local compat = require('crossls.compat')
local root = require('crossls.root')

-- Options -------------------------------------------------------------------

test('setup rejects bad options with a clear error', function()
  local cases = {
    { { targets = 5 }, 'option "targets" must be a list' },
    { { targets = { 'linux/amd64', '' } }, 'option "targets" must be a list' },
    { { taregts = {} }, 'unknown option "taregts"' },
    { { analyzers = { cgoo = false } }, 'unknown analyzer "cgoo"' },
    { { analyzers = { cgo = 'no' } }, 'analyzers.cgo must be true or false' },
    { { build = { output_dir = '' } }, 'build.output_dir must be a non%-empty string' },
    { { build = { jobs = -1 } }, 'build.jobs must be a whole number' },
    { { tests = 'yes' }, 'option "tests" must be true or false' },
    { { cmd = {} }, 'option "cmd" must be' },
    { 'linux', 'expects a table' },
  }
  for _, c in ipairs(cases) do
    local ok, err = pcall(crossls.setup, c[1])
    expect(not ok, 'setup(%s) succeeded', vim.inspect(c[1]))
    expect(tostring(err):find(c[2]), 'setup(%s): error %q does not match %q', vim.inspect(c[1]), tostring(err), c[2])
  end
end)

test('options become the server settings section', function()
  local o = config.normalize({
    targets = 'linux/amd64, windows/amd64',
    analyzers = { format = false },
    build = { output_dir = 'out', jobs = 2 },
    tests = false,
  })
  local s = config.settings(o).crossls
  expect(s.tests == false, 'tests: %s', vim.inspect(s.tests))
  expect(config.settings(config.normalize({})).crossls.tests == true, 'tests must default to true')
  expect(vim.deep_equal(s.targets, { 'linux/amd64', 'windows/amd64' }), 'targets: %s', vim.inspect(s.targets))
  expect(
    vim.deep_equal(s.analyzers, { cgo = true, buildgap = true, taghygiene = true, format = false }),
    'analyzers: %s',
    vim.inspect(s.analyzers)
  )
  expect(s.build.outputDir == 'out' and s.build.jobs == 2, 'build: %s', vim.inspect(s.build))
  expect(config.settings(config.normalize({})).crossls.targets == nil, 'empty targets must be left out')
end)

test('root detection prefers go.work over a nearer go.mod', function()
  vim.fn.mkdir(SCRATCH .. '/work/mod/pkg', 'p')
  vim.fn.mkdir(SCRATCH .. '/solo/.git', 'p')
  vim.fn.mkdir(SCRATCH .. '/solo/sub', 'p')
  write_file(SCRATCH .. '/work/go.work', 'go 1.22\n\nuse ./mod\n')
  write_file(SCRATCH .. '/work/mod/go.mod', 'module example.com/mod\n')
  write_file(SCRATCH .. '/solo/sub/x.go', 'package sub\n')
  local m = config.defaults.root_markers
  local got = root.find(SCRATCH .. '/work/mod/pkg/new.go', m)
  expect(got == SCRATCH .. '/work', 'workspace root: %s', tostring(got))
  got = root.find(SCRATCH .. '/work/mod/pkg/new.go', { 'go.mod' })
  expect(got == SCRATCH .. '/work/mod', 'module root: %s', tostring(got))
  -- The scratch tree lies inside this repository, whose go.mod outranks
  -- a nearer .git with the default markers: check .git on its own.
  got = root.find(SCRATCH .. '/solo/sub/x.go', { '.crossls.yaml', '.git' })
  expect(got == SCRATCH .. '/solo', '.git root: %s', tostring(got))
  got = root.find(SCRATCH .. '/work', m)
  expect(got == SCRATCH .. '/work', 'root of a directory: %s', tostring(got))
  expect(root.find('/nonexistent-dir/x.go', m) == nil, 'a missing directory has no root')
  expect(root.find('/', { 'no-such-marker' }) == nil, 'a marker found nowhere gives no root')
end)

test('client API path is detected by feature', function()
  local want = vim.env.CROSSLS_EXPECT_API
  expect(compat.api() == want, 'api %s, want %s', compat.api(), tostring(want))
end)

test('the help file has tags for the commands and options', function()
  local doc = SCRATCH .. '/doc'
  vim.fn.mkdir(doc, 'p')
  write_file(doc .. '/crossls.txt', read_file(vim.env.CROSSLS_PLUGIN_DIR .. '/doc/crossls.txt'))
  vim.cmd('helptags ' .. vim.fn.fnameescape(doc))
  local tags = read_file(doc .. '/tags') or ''
  for _, tag in ipairs({
    'crossls',
    'crossls.setup()',
    'crossls-options',
    'crossls-lsp-enable',
    ':CrosslsBuild',
    ':CrosslsBuildAll',
    ':CrosslsCancel',
    ':CrosslsTargets',
    ':CrosslsShowTargets',
    ':CrosslsMatrix',
    'crossls-highlights',
    ':CrosslsRecheck',
    'crossls-health',
  }) do
    expect(tags:find('\n' .. vim.pesc(tag) .. '\t') or tags:find('^' .. vim.pesc(tag) .. '\t'), 'tag %s missing', tag)
  end
end)

-- The language server ----------------------------------------------------------

local status_events = 0
vim.api.nvim_create_autocmd('User', {
  pattern = 'CrosslsStatus',
  callback = function()
    status_events = status_events + 1
  end,
})

crossls.setup({ cmd = { BIN, 'serve' }, targets = TARGETS })

local main_go = WS .. '/main.go'
vim.cmd('edit ' .. vim.fn.fnameescape(main_go))
local main_buf = vim.api.nvim_get_current_buf()
local client

local function windows_diagnostic()
  for _, d in ipairs(vim.diagnostic.get(main_buf)) do
    if d.message:find('[windows/amd64]', 1, true) and d.message:find('platformName', 1, true) then
      return d
    end
  end
end

local ok_client = test('crossls starts for a Go buffer at the module root', function()
  expect(vim.bo[main_buf].filetype == 'go', 'filetype %q', vim.bo[main_buf].filetype)
  wait_for(15000, 'a crossls client on main.go', function()
    return #compat.clients('crossls', main_buf) > 0
  end)
  client = compat.clients('crossls', main_buf)[1]
  wait_for(15000, 'the client to initialize', function()
    return client.initialized ~= false and client.server_capabilities ~= nil
  end)
  expect(client.config.root_dir == WS, 'root_dir %s, want %s', tostring(client.config.root_dir), WS)
  expect(crossls.root_dir(main_go) == WS, 'root_dir(fname) %s', tostring(crossls.root_dir(main_go)))
end)

local diag
local ok_diag = ok_client
  and test('diagnostic names windows/amd64 for the linux-only function', function()
    wait_for(60000, 'a [windows/amd64] diagnostic about platformName', function()
      return windows_diagnostic() ~= nil
    end)
    diag = windows_diagnostic()
    expect(diag.source == 'crossls', 'source %s', tostring(diag.source))
    expect(diag.severity == vim.diagnostic.severity.ERROR, 'severity %s', tostring(diag.severity))
    expect(diag.lnum == 6, 'line %d, want 6 (0-based) where main.go calls platformName', diag.lnum)
    for _, d in ipairs(vim.diagnostic.get(main_buf)) do
      expect(not d.message:find('linux/', 1, true), 'unexpected diagnostic for a linux target: %s', d.message)
    end
  end)

if ok_client then
  test('the status notification carries the targets from setup()', function()
    wait_for(30000, 'crossls/status naming windows/amd64 as failing', function()
      local st = crossls.status(main_buf)
      return st ~= nil and vim.tbl_contains(st.failing or {}, 'windows/amd64')
    end)
    local st = crossls.status(main_buf)
    local got = vim.deepcopy(st.targets)
    table.sort(got)
    expect(vim.deep_equal(got, TARGETS), 'targets %s', vim.inspect(st.targets))
    expect(#st.failing == 1, 'failing %s', vim.inspect(st.failing))
    expect(crossls.statusline(main_buf) == 'crossls: 1/3 failing', 'statusline %q', crossls.statusline(main_buf))
    expect(status_events > 0, 'User CrosslsStatus did not fire')
  end)

  test('one client per root', function()
    vim.cmd('edit ' .. vim.fn.fnameescape(WS .. '/platform_linux.go'))
    local b = vim.api.nvim_get_current_buf()
    wait_for(10000, 'platform_linux.go to attach', function()
      return #compat.clients('crossls', b) > 0
    end)
    expect(compat.clients('crossls', b)[1].id == client.id, 'a second client for the same module')
    vim.cmd('edit ' .. vim.fn.fnameescape(WS2 .. '/main.go'))
    local b2 = vim.api.nvim_get_current_buf()
    wait_for(15000, 'the second module to get a client', function()
      return #compat.clients('crossls', b2) > 0
    end)
    local c2 = compat.clients('crossls', b2)[1]
    expect(c2.id ~= client.id, 'the second module shares the first client')
    expect(c2.config.root_dir == WS2, 'second root %s', tostring(c2.config.root_dir))
    expect(#compat.clients('crossls') == 2, '%d clients, want 2', #compat.clients('crossls'))
    vim.cmd('buffer ' .. main_buf)
  end)

  test(':CrosslsBuild completes the configured targets', function()
    local got = vim.fn.getcompletion('CrosslsBuild linux/', 'cmdline')
    table.sort(got)
    expect(vim.deep_equal(got, { 'linux/amd64', 'linux/arm64' }), 'completion %s', vim.inspect(got))
    got = vim.fn.getcompletion('CrosslsBuild linux/arm64 ', 'cmdline')
    expect(not vim.tbl_contains(got, 'linux/arm64'), 'completion repeats a typed target: %s', vim.inspect(got))
  end)

  test(':CrosslsShowTargets lists the targets and their source', function()
    local before = #notes
    vim.cmd('CrosslsShowTargets')
    wait_for(10000, 'the target list', function()
      for i = before + 1, #notes do
        if notes[i].msg:find('crossls targets:', 1, true) then
          return true
        end
      end
    end)
    local msg = notes_matching('crossls targets:')[1]
    for _, t in ipairs(TARGETS) do
      expect(msg:find(t, 1, true), '%s missing from %q', t, msg)
    end
    expect(not msg:find('darwin', 1, true), 'a default target leaked in: %q', msg)
  end)
end

if ok_diag then
  test('a quick fix from the diagnostic removes it', function()
    vim.api.nvim_win_set_cursor(0, { diag.lnum + 1, diag.col })
    local items, chose
    local real_select = vim.ui.select
    vim.ui.select = function(list, opts, on_choice)
      items = list
      for _, item in ipairs(list) do
        -- 0.7-0.9 pass {client_id, action}; 0.10+ {action = ..., ctx = ...}.
        local action = item.action or item[2]
        if action.kind == 'quickfix' then
          chose = action
          on_choice(item)
          return
        end
      end
      on_choice(nil)
    end
    local files_before = vim.fn.readdir(WS)
    vim.lsp.buf.code_action()
    wait_for(10000, 'the code action menu', function()
      return items ~= nil
    end)
    vim.ui.select = real_select
    local titles = {}
    for _, item in ipairs(items) do
      local a = item.action or item[2]
      titles[#titles + 1] = string.format('%s (%s)', a.title, tostring(a.kind))
    end
    expect(chose ~= nil, 'no quickfix among %s', vim.inspect(titles))
    local has_build = false
    for _, t in ipairs(titles) do
      has_build = has_build or t:find('Build for linux/arm64', 1, true) ~= nil
    end
    expect(has_build, 'no "Build for linux/arm64" action among %s', vim.inspect(titles))
    wait_for(10000, 'the fix to change the workspace', function()
      return #vim.fn.getbufinfo({ bufmodified = 1 }) > 0 or #vim.fn.readdir(WS) > #files_before
    end)
    -- A user saves what the fix changed; then the server checks again.
    vim.cmd('silent wall')
    vim.cmd('CrosslsRecheck')
    wait_for(60000, 'the windows/amd64 diagnostic to go away after ' .. chose.title, function()
      return windows_diagnostic() == nil
    end)
    wait_for(30000, 'a status without failing targets', function()
      local st = crossls.status(main_buf)
      return st ~= nil and #(st.failing or {}) == 0
    end)
  end)
end

if ok_client then
  test(':CrosslsBuild linux/arm64 reports progress and writes the binary', function()
    local progress_events = 0
    vim.api.nvim_create_autocmd('User', {
      pattern = 'LspProgressUpdate',
      callback = function()
        progress_events = progress_events + 1
      end,
    })
    if vim.fn.exists('##LspProgress') == 1 then
      vim.api.nvim_create_autocmd('LspProgress', {
        callback = function()
          progress_events = progress_events + 1
        end,
      })
    end
    local before = #notes
    vim.cmd('CrosslsBuild linux/arm64')
    wait_for(180000, 'the build to finish', function()
      local st = crossls.status(main_buf)
      local b = st and st.build
      return b ~= nil and (b.state == 'succeeded' or b.state == 'failed' or b.state == 'cancelled')
    end)
    local st = crossls.status(main_buf)
    expect(st.build.state == 'succeeded', 'build %s: %s', st.build.state, vim.inspect(notes))
    expect(st.build.built == 1 and st.build.total == 1, 'built %s of %s', st.build.built, st.build.total)
    -- The status may overtake the end of the progress.
    wait_for(10000, 'the build summary', function()
      return #notes_matching('built 1 of 1 target') > 0
    end)
    local shown = {}
    for i = before + 1, #notes do
      shown[#shown + 1] = notes[i].msg
    end
    local text = table.concat(shown, '\n')
    expect(text:find('crossls: building 1 target', 1, true), 'no begin notification in %q', text)
    expect(text:find('linux/arm64 ok', 1, true), 'no per-target report in %q', text)
    expect(text:find('built 1 of 1 target', 1, true), 'no summary in %q', text)
    wait_for(10000, 'LspProgress/LspProgressUpdate events for begin, report and end', function()
      return progress_events >= 3
    end, function()
      return progress_events .. ' events'
    end)

    local output = st.build.outputs and st.build.outputs[1]
    expect(output ~= nil, 'no output in %s', vim.inspect(st.build))
    if output:sub(1, 1) ~= '/' then
      output = WS .. '/' .. output
    end
    expect(output:find('^' .. vim.pesc(WS .. '/dist/')), 'output %s is not in dist/', output)
    expect(output:find('%-linux%-arm64$'), 'output %s is not named for linux/arm64', output)
    local bin = read_file(output)
    expect(bin ~= nil, '%s does not exist', output)
    -- ELF, and e_machine 0xB7 (AArch64) at offset 18, little endian.
    expect(bin:sub(1, 4) == '\127ELF', '%s is not an ELF file', output)
    expect(bin:byte(19) == 0xB7 and bin:byte(20) == 0, '%s is not an arm64 binary', output)
  end)

  test(':CrosslsBuild without a target offers the targets to pick', function()
    local offered
    local real_select = vim.ui.select
    vim.ui.select = function(items, _, on_choice)
      offered = items
      on_choice(nil)
    end
    vim.cmd('CrosslsBuild')
    vim.ui.select = real_select
    expect(offered ~= nil, 'vim.ui.select was not called')
    local want = vim.list_extend({ 'all targets' }, TARGETS)
    table.sort(offered)
    table.sort(want)
    expect(vim.deep_equal(offered, want), 'offered %s', vim.inspect(offered))
    expect(crossls.status(main_buf).build.state == 'succeeded', 'a build started without a choice')
  end)

  test(':CrosslsBuild reports a bad target as an error', function()
    local before = #notes
    vim.cmd('CrosslsBuild linux/amd64x')
    wait_for(10000, 'an error notification', function()
      for i = before + 1, #notes do
        if notes[i].level == vim.log.levels.ERROR then
          return true
        end
      end
    end)
    local errs = notes_matching('amd64x', vim.log.levels.ERROR)
    expect(#errs == 1, 'errors %s', vim.inspect(notes))
  end)

  test(':CrosslsCancel without a running build says so', function()
    local before = #notes
    vim.cmd('CrosslsCancel')
    wait_for(10000, 'the answer to crossls.cancelBuild', function()
      return #notes > before
    end)
    expect(notes[before + 1].msg == 'crossls: no build is running', 'got %q', notes[before + 1].msg)
  end)

  test(':checkhealth crossls reports OK', function()
    vim.cmd('checkhealth crossls')
    local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
    vim.cmd('bwipeout!')
    vim.cmd('buffer ' .. main_buf)
    local text = table.concat(lines, '\n')
    local oks = 0
    for _, l in ipairs(lines) do
      if l:find('OK') then
        oks = oks + 1
      end
      expect(not l:find('ERROR') and not l:find('WARNING'), 'health: %s', l)
    end
    expect(oks >= 4, 'only %d OK lines in:\n%s', oks, text)
    expect(text:find(compat.api_descriptions[compat.api()], 1, true), 'API path missing:\n%s', text)
    expect(text:find('go version go', 1, true), 'Go version missing:\n%s', text)
    expect(text:find('crossls: [^\n]*' .. vim.pesc('(' .. BIN .. ')')), 'crossls version missing:\n%s', text)
    expect(text:find('3 targets', 1, true), 'targets missing:\n%s', text)
  end)
end

if ok_client then
  test('setup() again sends the new settings to running clients', function()
    crossls.setup({ cmd = { BIN, 'serve' }, targets = { 'linux/amd64', 'windows/amd64' } })
    wait_for(30000, 'a status with the two new targets', function()
      local st = crossls.status(main_buf)
      return st ~= nil and #st.targets == 2
    end)
    local got = vim.deepcopy(crossls.status(main_buf).targets)
    table.sort(got)
    expect(vim.deep_equal(got, { 'linux/amd64', 'windows/amd64' }), 'targets %s', vim.inspect(got))
    expect(#compat.clients('crossls') == 2, 'setup() started or stopped clients')
  end)
end

if ok_client then
  test(':CrosslsBuildAll builds every configured target', function()
    local before = #notes
    vim.cmd('CrosslsBuildAll')
    wait_for(180000, 'the build of both targets to finish', function()
      local b = (crossls.status(main_buf) or {}).build
      return b ~= nil and b.total == 2 and b.state ~= 'running'
    end, function()
      return string.format('status %s, notes %s', vim.inspect(crossls.status(main_buf)), vim.inspect({ unpack(notes, before + 1) }))
    end)
    local b = crossls.status(main_buf).build
    expect(b.state == 'succeeded' and b.built == 2, 'build %s', vim.inspect(b))
    -- The summary of the first build came as the end of its progress and
    -- as window/showMessage; by now both have arrived.
    local summaries = notes_matching('built 1 of 1 target')
    expect(#summaries == 1, 'the summary was shown %d times: %s', #summaries, vim.inspect(summaries))
    for _, name in ipairs({ 'app-linux-amd64', 'app-windows-amd64.exe' }) do
      expect(uv.fs_stat(WS .. '/dist/' .. name), '%s not built; dist has %s', name, vim.inspect(vim.fn.readdir(WS .. '/dist')))
    end
  end)
end

H.finish()
