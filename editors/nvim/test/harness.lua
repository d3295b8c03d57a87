-- The helpers every headless test script shares: one line per check,
-- assertions with formatted messages, waits that say what they waited
-- for, the notifications the plugin showed, and the final tally
-- ("N passed, M failed", exit status 1 on a failure). Loaded by the
-- scripts with dofile, next to them.
local H = { passed = 0, failed = 0, notes = {} }

function H.out(s)
  io.stdout:write(s .. '\n')
  io.stdout:flush()
end

-- test runs fn as one check; a Lua error inside fails it with its message.
function H.test(name, fn)
  local ok, err = pcall(fn)
  if ok then
    H.passed = H.passed + 1
    H.out('ok   ' .. name)
  else
    H.failed = H.failed + 1
    H.out('FAIL ' .. name .. ': ' .. tostring(err))
  end
  return ok
end

function H.expect(cond, msg, ...)
  if not cond then
    error(string.format(msg, ...), 0)
  end
end

-- wait_for waits for cond; on time-out the error says what was awaited
-- and, if given, what detail() shows of the state at that moment.
function H.wait_for(ms, what, cond, detail)
  if not vim.wait(ms, cond, 20) then
    error(string.format('timed out after %d ms waiting for %s%s', ms, what, detail and ('; ' .. detail()) or ''), 0)
  end
end

-- Capture what the plugin shows the user.
vim.notify = function(msg, level)
  H.notes[#H.notes + 1] = { msg = tostring(msg), level = level or vim.log.levels.INFO }
end

function H.finish()
  H.out(string.format('%d passed, %d failed', H.passed, H.failed))
  vim.cmd(H.failed == 0 and 'qall!' or 'cquit 1')
end

return H
