-- Choosing the targets: a picker over every platform of the user's Go
-- (the server's crossls.listPlatforms) through vim.ui.select, so that
-- telescope, fzf-lua or any other picker that replaces it takes over. The
-- choice becomes the "targets" option and reaches running servers through
-- workspace/didChangeConfiguration, which applies it at once.
local M = {}

local APPLY = 'apply'
local PROJECT = 'project'

-- entries returns the picker's entries: apply, use the project's
-- configuration, then the targets: the chosen ones first, then the
-- first-class ports, then the others.
function M.entries(list, chosen)
  local first = {}
  for _, p in ipairs(list.platforms or {}) do
    first[p.target] = p.firstClass == true
  end
  local out = { { kind = APPLY }, { kind = PROJECT } }
  local seen = {}
  local function add(t)
    if not seen[t] then
      seen[t] = true
      local base = t:gsub('%+cgo$', ''):match('^[^/]+/[^/]+') or t
      out[#out + 1] = { kind = 'target', target = t, first_class = first[base] == true }
    end
  end
  for _, t in ipairs(chosen) do
    add(t)
  end
  local rest_first, rest = {}, {}
  for _, p in ipairs(list.platforms or {}) do
    if not seen[p.target] then
      table.insert(p.firstClass and rest_first or rest, p.target)
    end
  end
  table.sort(rest_first)
  table.sort(rest)
  for _, t in ipairs(rest_first) do
    add(t)
  end
  for _, t in ipairs(rest) do
    add(t)
  end
  return out
end

-- format shows an entry: "[x] linux/amd64  first-class".
function M.format(entry, chosen)
  if entry.kind == APPLY then
    return string.format('Apply: %s', #chosen > 0 and table.concat(chosen, ', ') or "the project's configuration")
  elseif entry.kind == PROJECT then
    return "Use the project's configuration (.crossls.yaml, .goreleaser.yaml or the defaults)"
  end
  local mark = vim.tbl_contains(chosen, entry.target) and '[x]' or '[ ]'
  return string.format('%s %s%s', mark, entry.target, entry.first_class and '  first-class' or '')
end

-- pick lets the user tick targets, one choice at a time, until Apply.
function M.pick(bufnr)
  local crossls = require('crossls')
  return crossls.execute('crossls.listPlatforms', nil, function(list)
    if type(list) ~= 'table' then
      return
    end
    local chosen = vim.deepcopy(list.current or {})
    local entries = M.entries(list, chosen)
    local function ask()
      vim.ui.select(entries, {
        prompt = string.format('crossls targets%s: tick, then Apply', list.goVersion and (' (' .. list.goVersion .. ')') or ''),
        format_item = function(e)
          return M.format(e, chosen)
        end,
        kind = 'crossls_targets',
      }, function(e)
        if e == nil then
          return
        end
        if e.kind == APPLY then
          crossls.set_targets(chosen)
          return
        elseif e.kind == PROJECT then
          crossls.set_targets({})
          return
        end
        for i, t in ipairs(chosen) do
          if t == e.target then
            table.remove(chosen, i)
            vim.schedule(ask)
            return
          end
        end
        chosen[#chosen + 1] = e.target
        vim.schedule(ask)
      end)
    end
    ask()
  end, bufnr)
end

return M
