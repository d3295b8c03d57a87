-- Neovim 0.11+: `vim.lsp.enable('crossls')` alone, without setup(), starts
-- the server from the plugin's lsp/crossls.lua. Run by run.sh with crossls
-- on PATH and CROSSLS_WS set to a fresh copy of test/fixture.
local uv = vim.uv or vim.loop
local passed, failed = 0, 0
local function test(name, fn)
  local ok, err = pcall(fn)
  if ok then
    passed = passed + 1
    io.stdout:write('ok   ' .. name .. '\n')
  else
    failed = failed + 1
    io.stdout:write('FAIL ' .. name .. ': ' .. tostring(err) .. '\n')
  end
end
local function expect(cond, msg, ...)
  if not cond then
    error(string.format(msg, ...), 0)
  end
end

local WS = uv.fs_realpath((assert(vim.env.CROSSLS_WS, 'CROSSLS_WS not set')))

test("vim.lsp.enable('crossls') starts the server without setup()", function()
  vim.lsp.enable('crossls')
  vim.cmd('edit ' .. vim.fn.fnameescape(WS .. '/main.go'))
  local buf = vim.api.nvim_get_current_buf()
  local client
  expect(vim.wait(15000, function()
    client = vim.lsp.get_clients({ name = 'crossls', bufnr = buf })[1]
    return client ~= nil
  end, 20), 'no crossls client attached to main.go')
  expect(client.config.root_dir == WS, 'root_dir %s', tostring(client.config.root_dir))
  -- Without targets in the settings the server's defaults apply, darwin
  -- included.
  expect(vim.wait(60000, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.message:find('windows/amd64', 1, true) and d.message:find('platformName', 1, true) then
        return true
      end
    end
  end, 20), 'no windows/amd64 diagnostic: %s', vim.inspect(vim.diagnostic.get(buf)))
  expect(vim.wait(30000, function()
    local st = require('crossls').status(buf)
    return st ~= nil and vim.tbl_contains(st.targets, 'darwin/arm64')
  end, 20), 'no crossls/status with the default targets')
end)

io.stdout:write(string.format('%d passed, %d failed\n', passed, failed))
vim.cmd(failed == 0 and 'qall!' or 'cquit 1')
