-- End-to-end test of the matrix views of the plugin against the real
-- `crossls serve`: the :CrosslsMatrix grid and its jump, the hover and the
-- code lens of a file some targets leave out, and :CrosslsTargets, which
-- picks targets with vim.ui.select and applies them at once. Run by run.sh,
-- which sets CROSSLS_BIN and CROSSLS_WS (a fresh copy of test/fixture:
-- main.go calls a linux-only function, size.go overflows int on 32 bits).
-- Prints one line per check and ends with "N passed, M failed".
local uv = vim.uv or vim.loop

local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/harness.lua')
local out, test, expect, wait_for, notes = H.out, H.test, H.expect, H.wait_for, H.notes

local BIN = (assert(vim.env.CROSSLS_BIN, 'CROSSLS_BIN not set'))
local WS = uv.fs_realpath((assert(vim.env.CROSSLS_WS, 'CROSSLS_WS not set')))

vim.lsp.handlers['window/showMessageRequest'] = function(_, params)
  return params.actions and params.actions[1] or vim.NIL
end

local crossls = require('crossls')
local compat = require('crossls.compat')
local matrix = require('crossls.matrix')

crossls.setup({ cmd = { BIN, 'serve' }, targets = { 'linux/amd64', 'linux/arm64', 'windows/amd64' } })

local main_go = WS .. '/main.go'
vim.cmd('edit ' .. vim.fn.fnameescape(main_go))
local main_buf = vim.api.nvim_get_current_buf()
local client

local function latest()
  return client and matrix.latest[client.id]
end

local started = test('crossls checks main.go and sends the matrix', function()
  wait_for(20000, 'a crossls client', function()
    return #compat.clients('crossls', main_buf) > 0
  end)
  client = compat.clients('crossls', main_buf)[1]
  wait_for(60000, 'crossls/matrixChanged with the package', function()
    local m = latest()
    return m ~= nil and #(m.packages or {}) == 1 and m.packages[1].targets['windows/amd64'] ~= nil
  end)
end)

local function grid_lines()
  local v = matrix.current()
  return v and vim.api.nvim_buf_get_lines(v.buf, 0, -1, false) or {}
end

if started then
  test(':CrosslsMatrix shows the packages x targets grid', function()
    vim.cmd('CrosslsMatrix')
    wait_for(10000, 'the grid', function()
      return matrix.current() ~= nil
    end)
    local lines = grid_lines()
    local want = {
      'crossls: 1 package x 3 targets, 1 failing   <CR> first error  q close',
      'package          linux/amd64  linux/arm64  windows/amd64',
      'example.com/app  ok           ok           FAIL         ',
    }
    expect(vim.deep_equal(lines, want), 'grid:\n%s\nwant:\n%s', table.concat(lines, '\n'), table.concat(want, '\n'))
    local v = matrix.current()
    expect(vim.api.nvim_win_get_config(v.win).relative == 'editor', 'the grid is not a floating window')
    -- The failing cell has the group a colour scheme can link.
    local ns = vim.api.nvim_create_namespace('crossls_matrix')
    local groups = {}
    for _, m in ipairs(vim.api.nvim_buf_get_extmarks(v.buf, ns, { 2, 0 }, { 2, -1 }, { details = true })) do
      groups[#groups + 1] = string.format('%d:%s', m[3], m[4].hl_group)
    end
    local fail_col = lines[3]:find('FAIL', 1, true) - 1
    expect(vim.tbl_contains(groups, fail_col .. ':CrosslsMatrixFail'), 'highlights of the row: %s', table.concat(groups, ' '))
    expect(vim.tbl_contains(groups, '17:CrosslsMatrixOk'), 'highlights of the row: %s', table.concat(groups, ' '))
    expect(vim.fn.hlexists('CrosslsMatrixFail') == 1, 'no CrosslsMatrixFail group')
  end)

  test('<CR> on the failing cell jumps to its first error', function()
    local v = matrix.current()
    expect(v ~= nil, 'the grid is not open')
    local col = grid_lines()[3]:find('FAIL', 1, true) - 1
    vim.api.nvim_win_set_cursor(v.win, { 3, col })
    vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('<CR>', true, false, true), 'x', false)
    wait_for(5000, 'main.go with the cursor on the error', function()
      return matrix.current() == nil and vim.api.nvim_get_current_buf() == main_buf
    end)
    local pos = vim.api.nvim_win_get_cursor(0)
    expect(pos[1] == 7 and pos[2] == 27, 'cursor at %d:%d, want 7:27 (platformName)', pos[1], pos[2])
  end)

  test('hover on the package clause of platform_linux.go says which targets build it', function()
    vim.cmd('edit ' .. vim.fn.fnameescape(WS .. '/platform_linux.go'))
    local buf = vim.api.nvim_get_current_buf()
    wait_for(10000, 'platform_linux.go to attach', function()
      return #compat.clients('crossls', buf) > 0
    end)
    local results = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      position = { line = 0, character = 2 },
    }, 10000)
    local text = ''
    for _, r in pairs(results or {}) do
      if r.result and r.result.contents then
        text = text .. (r.result.contents.value or '')
      end
    end
    for _, want in ipairs({
      '`platform_linux.go` builds for 2 of 3 targets',
      '✓ builds for `linux/amd64`, `linux/arm64`',
      '✗ not for `windows/amd64`: file name suffix `_linux`',
      'Package `example.com/app` builds for 2 of 3 targets',
    }) do
      expect(text:find(want, 1, true), 'the hover lacks %q:\n%s', want, text)
    end
  end)

  test('a code lens at the top of platform_linux.go', function()
    local buf = vim.api.nvim_get_current_buf()
    local function titles()
      local out = {}
      local lenses
      if vim.lsp.codelens.enable ~= nil then
        lenses = {}
        for _, item in ipairs(vim.lsp.codelens.get({ bufnr = buf })) do
          lenses[#lenses + 1] = item.lens
        end
      else
        lenses = vim.lsp.codelens.get(buf)
      end
      for _, l in ipairs(lenses or {}) do
        if l.command then
          out[#out + 1] = string.format('%d:%s', l.range.start.line, l.command.title)
        end
      end
      return out
    end
    wait_for(15000, 'the code lens', function()
      return #titles() > 0
    end, function()
      return vim.inspect(titles())
    end)
    local got = titles()
    expect(vim.deep_equal(got, { '0:builds for 2 of 3 targets — not windows/amd64' }), 'lenses %s', vim.inspect(got))
    -- Its command opens the explanation.
    vim.api.nvim_win_set_cursor(0, { 1, 0 })
    local lens = require('crossls.lens')
    lens.last = nil
    vim.lsp.codelens.run()
    wait_for(10000, 'the explanation of the lens', function()
      return lens.last ~= nil
    end)
    expect(lens.last:find('file name suffix `_linux`', 1, true), 'explanation %q', lens.last)
  end)

  test(':CrosslsTargets picks linux/386 with vim.ui.select and applies it', function()
    vim.cmd('buffer ' .. main_buf)
    local shown = {}
    local real_select = vim.ui.select
    vim.ui.select = function(items, opts, on_choice)
      local labels = {}
      for _, item in ipairs(items) do
        labels[#labels + 1] = opts.format_item(item)
      end
      shown[#shown + 1] = labels
      -- First tick linux/386, then apply.
      local want = #shown == 1 and '[ ] linux/386  first-class' or 'Apply: '
      for i, label in ipairs(labels) do
        if label:sub(1, #want) == want then
          on_choice(items[i], i)
          return
        end
      end
      on_choice(nil)
    end
    vim.cmd('CrosslsTargets')
    wait_for(10000, 'the picker twice', function()
      return #shown >= 2
    end)
    vim.ui.select = real_select
    local first = shown[1]
    expect(first[1]:find('^Apply: linux/amd64, linux/arm64, windows/amd64'), 'first entry %q', first[1])
    for _, want in ipairs({ '[x] linux/amd64  first-class', '[x] windows/amd64  first-class', '[ ] linux/386  first-class' }) do
      expect(vim.tbl_contains(first, want), '%q missing from the picker: %s', want, vim.inspect(first))
    end
    expect(#first > 30, 'the picker lists %d entries, not every platform', #first)
    expect(shown[2][1] == 'Apply: linux/amd64, linux/arm64, windows/amd64, linux/386', 'after ticking: %q', shown[2][1])
    expect(vim.tbl_contains(shown[2], '[x] linux/386  first-class'), 'linux/386 is not ticked after choosing it')

    wait_for(60000, 'a [linux/386] diagnostic on size.go', function()
      for _, d in ipairs(vim.diagnostic.get()) do
        if d.message:find('[linux/386]', 1, true) and d.message:find('overflows', 1, true) then
          return true
        end
      end
    end)
    wait_for(30000, 'the matrix with linux/386', function()
      local m = latest()
      return m and vim.tbl_contains(m.targets, 'linux/386') and m.packages[1].targets['linux/386'].status == 'fail'
    end)
    vim.cmd('CrosslsMatrix')
    wait_for(10000, 'the grid with 4 targets', function()
      return (grid_lines()[1] or ''):find('1 package x 4 targets, 2 failing', 1, true) ~= nil
    end, function()
      return table.concat(grid_lines(), '\n')
    end)
    local lines = grid_lines()
    expect(lines[2] == 'package          linux/amd64  linux/arm64  windows/amd64  linux/386', 'header %q', lines[2])
    expect(lines[3] == 'example.com/app  ok           ok           FAIL           FAIL     ', 'row %q', lines[3])
  end)

  test('the open grid follows a change of targets and widens to it', function()
    local v = matrix.current()
    expect(v ~= nil, 'the grid is not open')
    local before = vim.api.nvim_win_get_width(v.win)
    vim.cmd('CrosslsTargets linux/amd64 linux/arm64 windows/amd64 linux/386 darwin/arm64')
    wait_for(60000, 'the open grid with 5 targets', function()
      -- darwin/arm64 has no platformName either.
      return (grid_lines()[1] or ''):find('1 package x 5 targets, 3 failing', 1, true) ~= nil
    end, function()
      return table.concat(grid_lines(), '\n')
    end)
    local lines = grid_lines()
    expect(lines[2] == 'package          linux/amd64  linux/arm64  windows/amd64  linux/386  darwin/arm64', 'header %q', lines[2])
    local width = vim.api.nvim_win_get_width(v.win)
    local want = math.min(#lines[2] + 1, vim.o.columns - 4)
    expect(width == want and width > before, 'the grid is %d columns wide (was %d), want %d', width, before, want)
    matrix.close()
  end)
end

H.finish()
