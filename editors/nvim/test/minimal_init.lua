-- Minimal init for the headless end-to-end test: only this plugin on the
-- runtimepath, nothing from the user's configuration.
local plugin = vim.env.CROSSLS_PLUGIN_DIR
local rtp = { plugin, vim.fn.expand('$VIMRUNTIME') }
-- and Neovim's own tree-sitter parsers (markdown, for hovers), which it
-- keeps outside $VIMRUNTIME.
for _, dir in ipairs(vim.opt.runtimepath:get()) do
  if vim.fn.isdirectory(dir .. '/parser') == 1 and not vim.tbl_contains(rtp, dir) then
    rtp[#rtp + 1] = dir
  end
end
vim.opt.runtimepath = rtp
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
vim.cmd('filetype on')
vim.cmd('runtime plugin/crossls.lua')
