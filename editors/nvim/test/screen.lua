-- The configuration of the real Neovim (a TUI in tmux, not headless) that
-- run.sh's screen test types into, as a user would: crossls set up for
-- test/fixture with four targets, main.go open. It writes the colours the
-- grid's highlight groups resolve to into CROSSLS_SCREEN_COLOURS ("group
-- #rrggbb" lines), for the test to find them on the screen.
vim.o.termguicolors = true
vim.o.background = 'dark'
vim.o.number = true
vim.o.signcolumn = 'no'
vim.o.shortmess = vim.o.shortmess .. 'I'
-- Findings at the end of their line on every version (0.11+ keeps them to
-- the sign column and underline by default).
vim.diagnostic.config({ virtual_text = true })
if vim.fn.has('nvim-0.10') == 0 then
  -- Neovim 0.7's default colours draw floating windows (the hover) magenta;
  -- a dark grey as 0.10's defaults have, as a colour scheme would.
  vim.cmd('highlight NormalFloat guifg=#e0e2ea guibg=#2c2e33')
end

local crossls = require('crossls')
local matrix = require('crossls.matrix')
crossls.setup({
  cmd = { vim.env.CROSSLS_BIN, 'serve' },
  targets = { 'linux/amd64', 'linux/arm64', 'windows/amd64', 'linux/386' },
})

matrix.define_highlights()
local function fg(group)
  local n
  if vim.api.nvim_get_hl ~= nil then
    n = vim.api.nvim_get_hl(0, { name = group, link = false }).fg
  else
    n = vim.api.nvim_get_hl_by_name(group, true).foreground
  end
  return n and string.format('#%06x', n) or 'default'
end
local colours = {}
for group in pairs(matrix.groups) do
  colours[#colours + 1] = group .. ' ' .. fg(group)
end
table.sort(colours)
local f = assert(io.open(vim.env.CROSSLS_SCREEN_COLOURS, 'w'))
f:write(table.concat(colours, '\n') .. '\n')
f:close()

vim.cmd('edit main.go')
