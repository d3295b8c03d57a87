-- End-to-end test of the plugin on a go.work workspace: the root marker
-- makes the go.work directory the workspace folder, which is no module;
-- crossls checks each opened file's module with its own configuration, and
-- a build asked from a buffer builds that buffer's module. Run by run.sh,
-- which sets CROSSLS_BIN and CROSSLS_GOWORK (a fresh copy of
-- test/fixture-gowork: modules app and tool; tool has its own targets).
-- Prints one line per check and ends with "N passed, M failed".
local uv = vim.uv or vim.loop

local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/harness.lua')
local out, test, expect, wait_for, notes = H.out, H.test, H.expect, H.wait_for, H.notes

local BIN = (assert(vim.env.CROSSLS_BIN, 'CROSSLS_BIN not set'))
local GW = uv.fs_realpath((assert(vim.env.CROSSLS_GOWORK, 'CROSSLS_GOWORK not set')))

vim.lsp.handlers['window/showMessageRequest'] = function(_, params)
  return params.actions and params.actions[1] or vim.NIL
end

local crossls = require('crossls')
local compat = require('crossls.compat')

-- No targets in setup(): each module's configuration file decides.
crossls.setup({ cmd = { BIN, 'serve' } })

local function diagnostic(buf, pattern)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.message:find(pattern) then
      return d
    end
  end
end

local function messages(buf)
  local m = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    m[#m + 1] = d.message
  end
  return vim.inspect(m)
end

vim.cmd('edit ' .. vim.fn.fnameescape(GW .. '/app/main.go'))
local app_buf = vim.api.nvim_get_current_buf()
local client

local ok_app = test('a file of a go.work module: its windows/amd64 error', function()
  wait_for(15000, 'a crossls client on app/main.go', function()
    return #compat.clients('crossls', app_buf) > 0
  end)
  client = compat.clients('crossls', app_buf)[1]
  expect(client.config.root_dir == GW, 'root_dir %s, want the go.work directory %s', tostring(client.config.root_dir), GW)
  wait_for(60000, 'a [windows/amd64] diagnostic about platformName', function()
    return diagnostic(app_buf, '%[windows/amd64%] undefined: platformName') ~= nil
  end, function()
    return messages(app_buf)
  end)
  for _, n in ipairs(notes) do
    expect(not n.msg:find('not in a Go module', 1, true), 'told: %s', n.msg)
  end
end)

local tool_buf
local ok_tool = ok_app
  and test('a file of the other module: checked for its own targets', function()
    vim.cmd('edit ' .. vim.fn.fnameescape(GW .. '/tool/main.go'))
    tool_buf = vim.api.nvim_get_current_buf()
    wait_for(10000, 'tool/main.go to attach to the same client', function()
      return #compat.clients('crossls', tool_buf) > 0
    end)
    expect(compat.clients('crossls', tool_buf)[1].id == client.id, 'a second client for the workspace')
    wait_for(60000, 'a [linux/arm64] diagnostic about archName', function()
      return diagnostic(tool_buf, '%[linux/arm64%] undefined: archName') ~= nil
    end, function()
      return messages(tool_buf)
    end)
    expect(diagnostic(tool_buf, 'windows') == nil, 'tool checked for the workspace targets: %s', messages(tool_buf))
    expect(diagnostic(app_buf, 'arm64') == nil, 'app checked for tool targets: %s', messages(app_buf))
  end)

if ok_tool then
  test(':CrosslsBuild from a file of tool builds tool', function()
    vim.cmd('CrosslsBuild linux/amd64')
    wait_for(180000, 'the build to finish', function()
      local st = crossls.status(tool_buf)
      local b = st and st.build
      return b ~= nil and (b.state == 'succeeded' or b.state == 'failed' or b.state == 'cancelled')
    end)
    local st = crossls.status(tool_buf)
    expect(st.build.state == 'succeeded', 'build %s: %s', st.build.state, vim.inspect(notes))
    -- build.output_dir (default dist) is relative to the root.
    expect(uv.fs_stat(GW .. '/dist/tool-linux-amd64') ~= nil, 'no dist/tool-linux-amd64; outputs %s', vim.inspect(st.build.outputs))
    expect(uv.fs_stat(GW .. '/dist/app-linux-amd64') == nil, 'a build from tool built app')
  end)
end

H.finish()
