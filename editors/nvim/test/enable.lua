-- Neovim 0.11+: `vim.lsp.enable('crossls')` alone, without setup(), starts
-- the server from the plugin's lsp/crossls.lua. Run by run.sh with crossls
-- on PATH and CROSSLS_WS set to a fresh copy of test/fixture.
local uv = vim.uv or vim.loop
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/harness.lua')
local test, expect = H.test, H.expect

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

H.finish()
