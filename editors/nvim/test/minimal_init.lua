-- Minimal init for the headless end-to-end test: only this plugin on the
-- runtimepath, nothing from the user's configuration.
local plugin = vim.env.CROSSLS_PLUGIN_DIR
vim.opt.runtimepath = { plugin, vim.fn.expand('$VIMRUNTIME') }
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
vim.cmd('filetype on')
vim.cmd('runtime plugin/crossls.lua')
