-- :checkhealth crossls
local compat = require('crossls.compat')
local config = require('crossls.config')

local M = {}

local function first_line(s)
  return (s or ''):match('[^\n]*')
end

-- build_info describes a Go binary from `go version -m` without running it:
-- "(devel) go1.26.8 vcs 1234abcd5678+dirty".
local function build_info(go, path)
  local out, code = compat.system({ go, 'version', '-m', path })
  if out == nil or code ~= 0 then
    return nil
  end
  local gover = out:match('^[^\n]*: (go[%w.]+)')
  local mod = out:match('\n%s*mod%s+%S+%s+(%S+)')
  local rev = out:match('vcs%.revision=(%x+)')
  local desc = table.concat({ mod or '?', gover or '' }, ' ')
  if rev then
    desc = desc .. ' vcs ' .. rev:sub(1, 12) .. (out:find('vcs.modified=true', 1, true) and '+dirty' or '')
  end
  return desc
end

function M.check()
  local h = compat.health()
  local o = config.options

  h.start('crossls: Neovim')
  h.ok('client API in use: ' .. compat.api_descriptions[compat.api()])

  h.start('crossls: programs')
  local go = vim.fn.exepath('go')
  if go == '' then
    h.error('go not found in PATH: crossls needs the Go toolchain')
  else
    local out, code = compat.system({ go, 'version' })
    if out ~= nil and code == 0 then
      h.ok(string.format('go: %s', first_line(out)))
    else
      h.error(string.format('%s version failed: %s', go, first_line(out or code)))
    end
  end
  local exe = o.cmd[1]
  local path = vim.fn.exepath(exe)
  if path == '' then
    h.error(
      string.format('crossls binary %q not found', exe),
      { 'go install github.com/crossls/crossls/cmd/crossls@latest', 'or set cmd in require("crossls").setup()' }
    )
  else
    local out, code = compat.system({ path, 'version' })
    if out ~= nil and code == 0 then
      h.ok(string.format('crossls: %s (%s)', first_line(out), path))
    else
      -- Builds without a version command still carry Go build info.
      local info = go ~= '' and build_info(go, path)
      if info then
        h.ok(string.format('crossls: %s (%s)', info, path))
      else
        h.error(string.format('%s is not a working crossls: %s', path, first_line(out or code)))
      end
    end
  end

  h.start('crossls: targets')
  local clients = compat.clients('crossls')
  if #clients == 0 then
    if #o.targets > 0 then
      h.info('configured in setup(): ' .. table.concat(o.targets, ', '))
    end
    h.info('no crossls client is running: open a Go file of a module to resolve its targets')
    return
  end
  for _, client in ipairs(clients) do
    local res = compat.request_sync(
      client,
      'workspace/executeCommand',
      { command = 'crossls.listTargets' },
      5000
    )
    local err = res and (res.err or res.error)
    local list = res and type(res.result) == 'table' and res.result.targets
    local rootdir = client.config.root_dir or '?'
    if res == nil then
      h.warn(string.format('%s: the server did not answer crossls.listTargets in time', rootdir))
    elseif err ~= nil then
      h.error(string.format('%s: %s', rootdir, err.message or vim.inspect(err)))
    elseif type(list) ~= 'table' or #list == 0 then
      h.warn(string.format('%s: no targets resolved', rootdir))
    else
      local names, sources = {}, {}
      for _, t in ipairs(list) do
        names[#names + 1] = t.target
        if t.source and t.source ~= '' then
          sources[t.source] = true
        end
      end
      local from = vim.tbl_keys(sources)
      table.sort(from)
      h.ok(
        string.format(
          '%s: %d targets (%s) from %s',
          rootdir,
          #list,
          table.concat(names, ', '),
          #from > 0 and table.concat(from, ', ') or 'the server'
        )
      )
    end
  end
end

return M
