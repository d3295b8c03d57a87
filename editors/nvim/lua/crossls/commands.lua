-- The :Crossls* user commands.
local M = {}

local function crossls()
  return require('crossls')
end

-- complete_targets completes the configured targets not yet on the command
-- line.
function M.complete_targets(arglead, cmdline)
  local typed = {}
  for word in cmdline:gmatch('%S+') do
    typed[word] = true
  end
  local out = {}
  for _, t in ipairs(crossls().targets()) do
    if t:sub(1, #arglead) == arglead and not typed[t] then
      out[#out + 1] = t
    end
  end
  return out
end

local ALL = 'all targets'

-- pick lets the user choose a target with vim.ui.select and builds it.
local function pick_and_build(targets)
  local items = vim.list_extend({ ALL }, targets)
  vim.ui.select(items, { prompt = 'crossls: build for' }, function(choice)
    if choice == ALL then
      crossls().build_all()
    elseif choice ~= nil then
      crossls().build({ choice })
    end
  end)
end

local function build(args)
  if #args.fargs > 0 then
    crossls().build(args.fargs)
    return
  end
  local known = crossls().targets()
  if #known > 0 then
    pick_and_build(known)
    return
  end
  crossls().list_targets(function(list)
    local names = {}
    for _, t in ipairs(list) do
      names[#names + 1] = t.target
    end
    pick_and_build(names)
  end)
end

local function show_targets()
  crossls().list_targets(function(list)
    if #list == 0 then
      vim.notify('crossls: no targets configured', vim.log.levels.WARN, { title = 'crossls' })
      return
    end
    local lines = { 'crossls targets:' }
    for _, t in ipairs(list) do
      local where = t.file and t.file ~= '' and t.file or t.source or ''
      lines[#lines + 1] = string.format('  %-24s %s', t.target, where)
    end
    vim.notify(table.concat(lines, '\n'), vim.log.levels.INFO, { title = 'crossls' })
  end)
end

function M.create()
  local cmd = vim.api.nvim_create_user_command
  cmd('CrosslsBuild', build, {
    nargs = '*',
    complete = M.complete_targets,
    desc = 'crossls: build for the given targets (none: choose one)',
  })
  cmd('CrosslsBuildAll', function()
    crossls().build_all()
  end, { nargs = 0, desc = 'crossls: build for every configured target' })
  cmd('CrosslsCancel', function()
    crossls().cancel()
  end, { nargs = 0, desc = 'crossls: cancel the running build' })
  cmd('CrosslsTargets', function(args)
    if #args.fargs > 0 then
      crossls().set_targets(args.fargs)
    else
      require('crossls.targets').pick()
    end
  end, {
    nargs = '*',
    complete = M.complete_targets,
    desc = 'crossls: choose the targets (none given: pick them)',
  })
  cmd('CrosslsShowTargets', show_targets, { nargs = 0, desc = 'crossls: list the targets and where they come from' })
  cmd('CrosslsMatrix', function()
    require('crossls.matrix').open()
  end, { nargs = 0, desc = 'crossls: the packages x targets grid' })
  cmd('CrosslsRecheck', function()
    crossls().recheck()
  end, { nargs = 0, desc = 'crossls: check every target again' })
end

return M
