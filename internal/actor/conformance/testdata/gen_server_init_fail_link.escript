#!/usr/bin/env escript
%% start_link whose init stops: the start returns the error; in OTP the trapping caller also gets the exit signal.
-module(gen_server_init_fail_link).
-mode(compile).
-export([main/1]).
-compile([nowarn_unused_function]).
-behaviour(gen_server).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, terminate/2]).

%% Canonical trace helpers (the same in every scenario).
t(F, A) -> io:format(F ++ "~n", A).
r({'EXIT', R}) -> r(R);
r(R) when is_atom(R) -> R;
r(R) when is_tuple(R), tuple_size(R) > 0 -> r(element(1, R));
r(_) -> other.
quiet() -> logger:set_primary_config(level, none).
down(Pid) ->
    receive {'DOWN', _, process, Pid, R} -> r(R) after 5000 -> no_down end.
init(_) -> {stop, boom}.
handle_call(_, _, S) -> {reply, ok, S}.
handle_cast(_, S) -> {noreply, S}.
handle_info(_, S) -> {noreply, S}.
terminate(_, _) -> ok.
main(_) ->
    quiet(),
    process_flag(trap_exit, true),
    {error, R} = gen_server:start_link(?MODULE, none, []),
    t("start error ~p", [r(R)]),
    receive {'EXIT', _, E} -> t("exit ~p", [r(E)]) after 200 -> t("no exit", []) end.
