#!/usr/bin/env escript
%% Restarts older than the period are forgotten: two crashes further apart than the period do not exceed intensity 1.
-module(sup_period).
-mode(compile).
-export([main/1]).
-compile([nowarn_unused_function]).
-behaviour(gen_server).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, terminate/2, start_worker/1, start_sup/2]).

%% Canonical trace helpers (the same in every scenario).
t(F, A) -> io:format(F ++ "~n", A).
r({'EXIT', R}) -> r(R);
r(R) when is_atom(R) -> R;
r(R) when is_tuple(R), tuple_size(R) > 0 -> r(element(1, R));
r(_) -> other.
quiet() -> logger:set_primary_config(level, none).
down(Pid) ->
    receive {'DOWN', _, process, Pid, R} -> r(R) after 5000 -> no_down end.
start_worker(Id) -> gen_server:start_link(?MODULE, {worker, Id}, []).
init({worker, Id}) ->
    process_flag(trap_exit, true),
    t("start ~p", [Id]),
    {ok, Id};
init({sup, Flags, Children}) -> {ok, {Flags, Children}}.
handle_call(_, _, Id) -> {reply, ok, Id}.
handle_cast(crash, Id) -> {stop, boom, Id};
handle_cast(quit, Id) -> {stop, normal, Id}.
handle_info(_, Id) -> {noreply, Id}.
terminate(R, Id) -> t("stop ~p ~p", [Id, r(R)]).
child(Id) -> #{id => Id, start => {?MODULE, start_worker, [Id]}}.
child(Id, Restart) -> #{id => Id, start => {?MODULE, start_worker, [Id]}, restart => Restart}.
pid_of(Sup, Id) -> hd([P || {I, P, _, _} <- supervisor:which_children(Sup), I =:= Id]).
%% crash makes a child stop with reason boom (or Why) and waits until the
%% supervisor has handled its exit.
crash(Sup, Id) -> crash(Sup, Id, crash).
crash(Sup, Id, Why) ->
    P = pid_of(Sup, Id),
    Ref = erlang:monitor(process, P),
    gen_server:cast(P, Why),
    receive {'DOWN', Ref, _, _, _} -> ok end,
    catch supervisor:count_children(Sup),
    ok.
children(Sup) ->
    lists:sort([{I, is_pid(P)} || {I, P, _, _} <- supervisor:which_children(Sup)]).

start_sup(Flags, Children) -> supervisor:start_link(?MODULE, {sup, Flags, Children}).

main(_) ->
    quiet(),
    {ok, Sup} = start_sup(#{intensity => 1, period => 1}, [child(w)]),
    crash(Sup, w),
    timer:sleep(2100),
    crash(Sup, w),
    t("supervisor alive ~p", [is_process_alive(Sup)]),
    unlink(Sup),
    ok = gen_server:stop(Sup).
