#!/usr/bin/env escript
%% exit(Pid, shutdown) kills a process that does not trap exits and is a message to one that does.
-module(exit_shutdown).
-mode(compile).
-export([main/1]).
-compile([nowarn_unused_function]).

%% Canonical trace helpers (the same in every scenario).
t(F, A) -> io:format(F ++ "~n", A).
r({'EXIT', R}) -> r(R);
r(R) when is_atom(R) -> R;
r(R) when is_tuple(R), tuple_size(R) > 0 -> r(element(1, R));
r(_) -> other.
quiet() -> logger:set_primary_config(level, none).
down(Pid) ->
    receive {'DOWN', _, process, Pid, R} -> r(R) after 5000 -> no_down end.
main(_) ->
    quiet(),
    Main = self(),
    {P, _} = spawn_monitor(fun() -> receive never -> ok end end),
    exit(P, shutdown),
    t("not trapping: down ~p", [down(P)]),
    T = spawn(fun() ->
        process_flag(trap_exit, true), Main ! ready,
        receive {'EXIT', From, R} when From =:= Main -> Main ! {trapped, R} end
    end),
    receive ready -> ok end,
    exit(T, shutdown),
    receive {trapped, R} -> t("trapping: message ~p", [R]) after 5000 -> t("trapping: nothing", []) end.
