-- Workspace root detection: the nearest ancestor holding the first marker
-- in priority order (go.work, then go.mod, .crossls.yaml, .git).
local uv = require('crossls.compat').uv

local M = {}

-- Paths use '/' throughout; Neovim accepts it on Windows too.
local function slashes(p)
  return (p:gsub('\\', '/'))
end

-- parent returns the parent directory, or nil at a root ("/", "C:/").
local function parent(dir)
  local p = dir:match('^(.*)/[^/]+/?$')
  if p == nil then
    return nil
  end
  if p == '' or p:match('^%a:$') then
    return p .. '/'
  end
  return p
end

local function join(dir, name)
  if dir:sub(-1) == '/' then
    return dir .. name
  end
  return dir .. '/' .. name
end

local function nearest(dir, marker)
  while dir ~= nil do
    if uv.fs_stat(join(dir, marker)) then
      return dir
    end
    dir = parent(dir)
  end
  return nil
end

-- find returns the root for the file or directory path, resolved with
-- realpath so every buffer of one workspace maps to one client; nil if no
-- marker is found.
function M.find(path, markers)
  if path == nil or path == '' then
    return nil
  end
  local dir
  local real = uv.fs_realpath(path)
  if real ~= nil then
    real = slashes(real)
    local st = uv.fs_stat(real)
    dir = (st and st.type == 'directory') and real or parent(real)
  else
    -- A new file not yet written: start from its (existing) directory.
    local p = parent(slashes(path))
    dir = p and uv.fs_realpath(p)
    dir = dir and slashes(dir)
  end
  if dir == nil then
    return nil
  end
  for _, marker in ipairs(markers) do
    local root = nearest(dir, marker)
    if root ~= nil then
      return root
    end
  end
  return nil
end

-- for_buffer returns the root of buffer bufnr, or nil for buffers that are
-- not files on disk (help, terminals, fugitive:// and similar).
function M.for_buffer(bufnr, markers)
  if vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' or name:match('^%a[%w+.-]*://') then
    return nil
  end
  return M.find(name, markers)
end

return M
